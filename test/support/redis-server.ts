/**
 * A real redis-server for one test file, on a free loopback port (never the machine's shared 6379),
 * or the server REDIS_URL names, isolated by a key prefix. stop()/start() simulate an outage, pause()/resume() a
 * hung server (SIGSTOP/SIGCONT: its connections stay open and nothing answers).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { PERSISTENT, redisProcess } from './redis-process.js';

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

export interface TestRedisOptions {
  /** Append-only persistence, so that a restart keeps every write. */
  persistent?: boolean;
  /** More redis-server arguments (e.g. --replicaof). */
  args?: string[];
}

/** The server REDIS_URL names, which every test file shares and none may stop, flush or reconfigure. */
export function externalRedis(): string | undefined {
  return process.env.REDIS_URL || undefined;
}

export async function startTestRedis({ persistent = false, args = [] }: TestRedisOptions = {}): Promise<TestRedis> {
  const prefix = `t${randomBytes(4).toString('hex')}:`;
  const external = externalRedis();
  if (external) {
    const noop = async () => {};
    return { url: external, prefix, own: false, stop: noop, start: noop, pause: () => {}, resume: () => {}, close: noop };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'oidc-op-redis-'));
  const server = redisProcess({ port, args: ['--save', '', '--appendonly', 'no', '--dir', dir, ...(persistent ? PERSISTENT : []), ...args] });
  await server.start();
  return {
    url: `redis://127.0.0.1:${port}`,
    prefix,
    own: true,
    stop: server.stop,
    start: server.start,
    pause: server.pause,
    resume: server.resume,
    async close() {
      await server.stop();
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
