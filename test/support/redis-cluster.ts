/**
 * A three-master Redis Cluster for one test file, on free loopback ports: three `redis-server --cluster-enabled
 * yes`, joined by `redis-cli --cluster create`, ready once every node reports `cluster_state:ok`. stop()/start()
 * simulate an outage of every node: they come back on the same ports and directory, so they rejoin as the same
 * cluster (their nodes-<port>.conf), with their data when started `persistent` (an append-only file each).
 * stopNode() kills one master alone: with no replica to take over, its slots are lost, and once the others have
 * marked it failed (after `nodeTimeoutMs`, cluster-node-timeout) the cluster says cluster_state:fail.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';
import { PERSISTENT, redisProcess, type RedisProcess } from './redis-process.js';

const run = promisify(execFile);

export interface TestCluster {
  ports: number[];
  /** REDIS_CLUSTER_NODES for the provider: host:port,host:port,… */
  nodes: string;
  /** Kills every node (SIGKILL, as a crash would). */
  stop(): Promise<void>;
  /** Starts every node again and resolves once the cluster serves all slots. */
  start(): Promise<void>;
  /** Kills the node on `port` alone (SIGKILL). */
  stopNode(port: number): Promise<void>;
  close(): Promise<void>;
}

interface NodeOptions {
  persistent: boolean;
  /** cluster-node-timeout: how long a node may not answer before the others count it failed (Redis: 15000). */
  nodeTimeoutMs?: number;
}

function clusterNode(port: number, dir: string, { persistent, nodeTimeoutMs }: NodeOptions): RedisProcess {
  // The nodes share one directory: each its own nodes-<port>.conf and, when persistent, aof-<port>.
  const persistence = persistent ? [...PERSISTENT, '--appenddirname', `aof-${port}`] : ['--appendonly', 'no'];
  const timeout = nodeTimeoutMs ? ['--cluster-node-timeout', String(nodeTimeoutMs)] : [];
  return redisProcess({ port, args: ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--save', '', ...persistence, ...timeout, '--dir', dir] });
}

/** Resolves once every node sees all slots served. Cluster gossip has no event to await from outside: poll. */
async function clusterOk(ports: number[]): Promise<void> {
  const clients = ports.map((port) => new Redis(port, '127.0.0.1', { lazyConnect: true }));
  try {
    for (let attempt = 0; attempt < 300; attempt++) {
      const infos = await Promise.all(clients.map((c) => c.cluster('INFO') as Promise<string>));
      if (infos.every((info) => info.includes('cluster_state:ok'))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the test cluster never reached cluster_state:ok');
  } finally {
    clients.forEach((c) => c.disconnect());
  }
}

export async function startTestCluster({ persistent = false, nodeTimeoutMs }: { persistent?: boolean; nodeTimeoutMs?: number } = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-op-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const options = { persistent, nodeTimeoutMs };
  const nodes = ports.map((port) => clusterNode(port, dir, options));
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  const start = async () => {
    for (const node of nodes) await node.start();
    await clusterOk(ports);
  };
  const stopNode = async (port: number) => {
    const node = nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no test cluster node on port ${port}`);
    await node.stop();
  };
  const close = async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const node of nodes) await node.start();
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    await clusterOk(ports);
  } catch (err) {
    await close();
    throw err;
  }
  return { ports, nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), stop, start, stopNode, close };
}
