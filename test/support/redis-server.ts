/**
 * A real redis-server for one test file, on a free loopback port (never the machine's shared 6379),
 * or the server REDIS_URL names, isolated by a key prefix. stop()/start() simulate an outage, pause()/resume() a
 * hung server (SIGSTOP/SIGCONT: its connections stay open and nothing answers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export interface TestRedis {
  url: string;
  /** A key prefix unique to this test file: isolates files that share a REDIS_URL server. */
  prefix: string;
  /** Whether stop()/start() can be used (not with an external REDIS_URL). */
  own: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** Resolves once a spawned redis-server (standalone, cluster node or sentinel) accepts connections. */
export async function waitReady(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve, reject) => {
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
    child.once('error', reject);
  });
}

export async function startTestRedis(extraArgs: string[] = []): Promise<TestRedis> {
  const prefix = `t${randomBytes(4).toString('hex')}:`;
  const external = process.env.REDIS_URL;
  if (external) {
    const noop = async () => {};
    return { url: external, prefix, own: false, stop: noop, start: noop, pause: () => {}, resume: () => {}, close: noop };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'oidc-op-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await waitReady(child);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  const signal = (name: 'SIGSTOP' | 'SIGCONT') => {
    if (!child?.pid) throw new Error(`redis-server is not running: cannot send ${name}`);
    process.kill(child.pid, name);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    prefix,
    own: true,
    stop,
    start,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Resolves when an ioredis client is ready again after an outage. Not events.once(client, 'ready'): that rejects
 * on the first 'error', and each failed reconnection attempt while the server comes back emits one.
 */
export function reconnected(client: { status: string; once(event: 'ready', listener: () => void): unknown }): Promise<void> {
  return client.status === 'ready' ? Promise.resolve() : new Promise((resolve) => void client.once('ready', () => resolve()));
}
