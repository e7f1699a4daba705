/**
 * A Redis master, one replica and one Sentinel watching them, on free loopback ports, for a test that wants
 * REDIS_SENTINELS and a real failover.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';
import { redisProcess } from './redis-process.js';
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

export async function startTestSentinel(): Promise<TestSentinel> {
  const master = await startTestRedis();
  const masterPort = Number(new URL(master.url).port);
  const replica = await startTestRedis({ args: ['--replicaof', '127.0.0.1', String(masterPort)] });
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
  // Sentinel has found the replica (from the master's INFO) once it logs +slave.
  const sentinel = redisProcess({ port, config, args: ['--sentinel'], readyWhen: /\+slave slave 127\.0\.0\.1:/ });
  await sentinel.start();

  return {
    sentinels: `127.0.0.1:${port}`,
    master,
    replica,
    async failover() {
      const switched = sentinel.waitFor(/\+switch-master /, sentinel.output().length);
      const client = new Redis(port, '127.0.0.1');
      try {
        await client.call('SENTINEL', 'FAILOVER', SENTINEL_NAME);
      } finally {
        client.disconnect();
      }
      await switched;
    },
    async close() {
      await sentinel.stop();
      await replica.close();
      await master.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
