/**
 * A three-master Redis Cluster started on loopback: the adapter contract on it, and a full sign-in through a
 * provider configured with REDIS_CLUSTER_NODES (our own stores, throttle and audit stream included).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { adapterContract } from '../integration/adapter-contract.js';
import { ALICE, startTestProvider, type TestProvider } from '../support/provider.js';
import { startTestCluster, type TestCluster } from '../support/redis-cluster.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

let cluster: TestCluster;
let client: Cluster;
const prefix = `t${randomBytes(4).toString('hex')}:`;

beforeAll(async () => {
  cluster = await startTestCluster();
  client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })), { keyPrefix: prefix });
}, 60_000);

afterAll(async () => {
  await client?.quit();
  await cluster?.close();
});

describe('the adapter contract on Redis Cluster', () => {
  adapterContract(() => ({
    redis: client,
    async clear() {
      // KEYS answers for one node only: ask every master, delete key by key (each in its own slot).
      for (const node of client.nodes('master')) {
        const keys = await node.keys(`${prefix}*`);
        await Promise.all(keys.map((key) => node.del(key)));
      }
    },
  }));

  test('the records really are spread over the three masters', async () => {
    const { RedisAdapter } = await import('../../src/storage/redis-adapter.js');
    const tokens = new RedisAdapter(client, 'AccessToken');
    for (let i = 0; i < 30; i++) await tokens.upsert(`spread-${i}`, { grantId: 'g' } as never, 60);
    const counts = await Promise.all(client.nodes('master').map(async (node) => (await node.keys(`${prefix}*`)).length));
    expect(counts).toHaveLength(3);
    for (const count of counts) expect(count).toBeGreaterThan(0);
  });
});

test("each node's connection coalesces a turn's commands into one write (storage/coalesced-writes.ts)", async () => {
  const { createRedis } = await import('../../src/storage/redis.js');
  const coalescing = createRedis({ mode: 'cluster', nodes: cluster.ports.map((port) => ({ host: '127.0.0.1', port })), keyPrefix: prefix }) as Cluster;
  try {
    await coalescing.connect();
    const keys = Array.from({ length: 12 }, (_, i) => `coalesced-${i}`); // spread over the three masters
    await Promise.all(keys.map((key) => coalescing.del(key))); // each master's connection is made on its first command
    await new Promise((resolve) => setImmediate(resolve));
    const replies = Promise.all(keys.map((key) => coalescing.incr(key)));
    const corked = coalescing.nodes('master').map((node) => (node as unknown as { stream: { writableCorked: number } }).stream.writableCorked);
    expect(corked).toEqual([1, 1, 1]);
    expect(await replies).toEqual(keys.map(() => 1));
  } finally {
    coalescing.disconnect();
  }
});

describe('the provider on Redis Cluster', () => {
  let op: TestProvider;

  beforeAll(async () => {
    op = await startTestProvider(undefined, { REDIS_CLUSTER_NODES: cluster.nodes, REDIS_KEY_PREFIX: `${prefix}op:` });
  });

  afterAll(async () => {
    await op?.close(500);
  });

  test('a full sign-in, then a silent one on the session, and userinfo with the access token', async () => {
    expect(op.settings.redis?.mode).toBe('cluster');
    const ua = new UserAgent(op.issuer);
    const final = await signIn(ua, authorizeUrl(op.issuer, implicitParams({ scope: 'openid email' })), ALICE);
    const fragment = fragmentParams(final.location);
    const { payload } = await verifyIdToken(op.issuer, fragment.get('id_token')!, 'spa-both');
    expect(payload).toMatchObject({ sub: ALICE.sub, nonce: 'nonce-123' });

    const silent = await ua.follow(authorizeUrl(op.issuer, implicitParams({ prompt: 'none', nonce: 'again', scope: 'openid email' })));
    const again = fragmentParams(silent.location);
    expect(again.get('error')).toBeNull();
    expect((await verifyIdToken(op.issuer, again.get('id_token')!, 'spa-both')).payload.nonce).toBe('again');

    const userinfo = await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${again.get('access_token')}` } });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: ALICE.sub, email: 'alice@example.com' });
    expect((await fetch(`${op.issuer}/readyz`)).status).toBe(200);
  });
});
