/**
 * A Redis master, one replica and one Sentinel watching them, on free loopback ports, for a test that wants
 * REDIS_SENTINELS and a real failover.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';
import { startTestRedis, type TestRedis } from './redis-server.js';

export const SENTINEL_NAME = 'mymaster';

export interface TestSentinel {
  /** REDIS_SENTINELS for the provider. */
  sentinels: string;
  master: TestRedis;
  replica: TestRedis;
  /** Asks Sentinel to promote the replica; resolves once it announces the switch. */
  failover(): Promise<void>;
  close(): Promise<void>;
}

/** Resolves when the child's output has matched `pattern` (at any time since `since` characters). */
function outputMatch(child: ChildProcess, output: () => string, pattern: RegExp, since = 0): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pattern.test(output().slice(since))) {
        child.stdout?.off('data', check);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`redis-sentinel exited with ${code}: ${output()}`)));
    check();
  });
}

export async function startTestSentinel(): Promise<TestSentinel> {
  const master = await startTestRedis();
  const masterPort = Number(new URL(master.url).port);
  const replica = await startTestRedis(['--replicaof', '127.0.0.1', String(masterPort)]);
  // The replica must be in sync before Sentinel can promote it. Replication reports no event to outsiders: poll.
  const probe = new Redis(replica.url);
  try {
    for (let i = 0; !(await probe.info('replication')).includes('master_link_status:up'); i++) {
      if (i > 200) throw new Error('the test replica never synced');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    probe.disconnect();
  }

  const dir = mkdtempSync(join(tmpdir(), 'oidc-op-sentinel-'));
  const port = await freePort();
  const config = join(dir, 'sentinel.conf');
  writeFileSync(
    config,
    [`port ${port}`, 'bind 127.0.0.1', `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${masterPort} 1`, `sentinel down-after-milliseconds ${SENTINEL_NAME} 1000`, `sentinel failover-timeout ${SENTINEL_NAME} 10000`, ''].join('\n'),
  );
  const child = spawn('redis-server', [config, '--sentinel'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const output = () => text;
  // Sentinel has found the replica (from the master's INFO) once it logs +slave.
  await outputMatch(child, output, /\+slave slave 127\.0\.0\.1:/);

  return {
    sentinels: `127.0.0.1:${port}`,
    master,
    replica,
    async failover() {
      const since = text.length;
      const switched = outputMatch(child, output, /\+switch-master /, since);
      const sentinel = new Redis(port, '127.0.0.1');
      try {
        await sentinel.call('SENTINEL', 'FAILOVER', SENTINEL_NAME);
      } finally {
        sentinel.disconnect();
      }
      await switched;
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      await replica.close();
      await master.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
