/**
 * One master of a Redis Cluster goes down with no replica to replace it: /readyz says not ready with the
 * cluster_state the masters report, and a request whose key hashes to the lost slots answers 503 with
 * Retry-After at once.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startTestProvider, type TestProvider } from '../support/provider.js';
import { startTestCluster, type TestCluster } from '../support/redis-cluster.js';

let cluster: TestCluster;
let op: TestProvider;

beforeAll(async () => {
  // A short cluster-node-timeout: the live masters count the lost one failed within a second or two.
  cluster = await startTestCluster({ nodeTimeoutMs: 1000 });
  op = await startTestProvider(undefined, { REDIS_CLUSTER_NODES: cluster.nodes, REDIS_KEY_PREFIX: `t${randomBytes(4).toString('hex')}:` });
}, 60_000);

afterAll(async () => {
  await op?.close(500);
  await cluster?.close();
});

interface Readyz {
  status: string;
  checks: { redis: string; cluster_state?: string; keys: string };
}

const readyz = async (): Promise<{ status: number; body: Readyz }> => {
  const response = await fetch(`${op.issuer}/readyz`);
  return { status: response.status, body: (await response.json()) as Readyz };
};

/** Polls /readyz until `want` holds (cluster gossip has no event to await from outside), bounded by the test timeout. */
async function readyzUntil(want: (r: { status: number; body: Readyz }) => boolean): Promise<{ status: number; body: Readyz }> {
  for (;;) {
    const r = await readyz();
    if (want(r)) return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An access token value (a record key's hash tag, so its slot) that the node on `port` serves. */
async function tokenServedBy(port: number): Promise<string> {
  const node = new Redis(port, '127.0.0.1');
  try {
    const ranges = (await node.cluster('SLOTS')).filter(([, , master]) => master?.[1] === port);
    for (;;) {
      const token = randomBytes(16).toString('base64url');
      const slot = (await node.cluster('KEYSLOT', `{${token}}`)) as number;
      if (ranges.some(([from, to]) => slot >= from && slot <= to)) return token;
    }
  } finally {
    node.disconnect();
  }
}

describe('a Redis Cluster with a master down', () => {
  test('/readyz reports cluster_state and says not ready; a request for the lost slots answers 503 at once', async () => {
    const ready = await readyz();
    expect(ready).toEqual({ status: 200, body: { status: 'ready', checks: { redis: 'ok', cluster_state: 'ok', keys: 'ok' } } });
    const lost = cluster.ports[0]!;
    const token = await tokenServedBy(lost);
    const bearer = { headers: { authorization: `Bearer ${token}` } };
    expect((await fetch(`${op.issuer}/me`, bearer)).status).toBe(401);

    await cluster.stopNode(lost);
    const userinfo = await fetch(`${op.issuer}/me`, bearer);
    expect([userinfo.status, userinfo.headers.get('retry-after')]).toEqual([503, '5']);
    expect(await userinfo.json()).toMatchObject({ error: 'temporarily_unavailable' });

    const notReady = await readyzUntil((r) => r.body.checks.cluster_state === 'fail');
    expect(notReady).toEqual({ status: 503, body: { status: 'not ready', checks: { redis: 'unavailable', cluster_state: 'fail', keys: 'ok' } } });
    const again = await fetch(`${op.issuer}/me`, bearer);
    expect([again.status, again.headers.get('retry-after')]).toEqual([503, '5']);
  }, 60_000);
});
