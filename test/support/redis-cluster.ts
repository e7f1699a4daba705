/**
 * A real three-node Redis Cluster (no replicas) on free loopback ports, for code whose behaviour differs on
 * Cluster (no command spans two slots). Always its own servers, whatever REDIS_URL says.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

export interface TestCluster {
  nodes: { host: string; port: number }[];
  close(): Promise<void>;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}: ${output}`))));
  });
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
}

export async function startTestCluster(): Promise<TestCluster> {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const nodes: TestCluster['nodes'] = [];
  for (let i = 0; i < 3; i++) {
    const [port, busPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'oidc-op-cluster-'));
    dirs.push(dir);
    const child = spawn('redis-server', ['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    await ready(child);
    nodes.push({ host: '127.0.0.1', port });
  }
  await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
  // Every node must agree the cluster is up before a client can route to it.
  for (const node of nodes) {
    const redis = new Redis(node.port, node.host);
    try {
      while (!(await redis.cluster('INFO')).includes('cluster_state:ok')) await new Promise((r) => setTimeout(r, 50));
    } finally {
      redis.disconnect();
    }
  }
  return {
    nodes,
    async close() {
      await Promise.all(
        children.map((child) => {
          if (child.exitCode !== null) return undefined;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          return exited;
        }),
      );
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
