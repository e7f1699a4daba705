/**
 * Every node of a Redis Cluster goes away in the middle of a sign-in: the provider answers 503 with Retry-After
 * at once (rather than queueing each request until the cluster returns) and /readyz says not ready; the nodes
 * come back on the same ports and the provider serves again on its own, finishing the sign-in begun before.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { authorizeUrl, implicitParams, submitForm, submitLogin } from '../support/flows.js';
import { expectPagesUnavailable } from '../support/outage.js';
import { ALICE, startTestProvider, type TestProvider } from '../support/provider.js';
import { startTestCluster, type TestCluster } from '../support/redis-cluster.js';
import { reconnected } from '../support/redis-server.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

let cluster: TestCluster;
let op: TestProvider;

beforeAll(async () => {
  // Persistent nodes: what they held before the outage is there after it, as with a real cluster's restart.
  cluster = await startTestCluster({ persistent: true });
  op = await startTestProvider(undefined, { REDIS_CLUSTER_NODES: cluster.nodes, REDIS_KEY_PREFIX: `t${randomBytes(4).toString('hex')}:` });
}, 60_000);

afterAll(async () => {
  await op?.close(500);
  await cluster?.close();
});

describe('a Redis Cluster outage', () => {
  test('every node down: 503 with Retry-After at once and /readyz not ready; nodes back: the sign-in begun before finishes, no restart', async () => {
    const ua = new UserAgent(op.issuer);
    const login = await ua.follow(authorizeUrl(op.issuer, implicitParams()));
    expect(login.status).toBe(200);
    expect(login.body).toContain('name="password"');

    await cluster.stop();
    // Every answer below comes while the nodes are still down: a queued request would wait for them until the timeout.
    await expectPagesUnavailable(op.issuer, ua, login.url);
    const userinfo = await fetch(`${op.issuer}/me`, { headers: { authorization: 'Bearer some-access-token' } });
    expect([userinfo.status, userinfo.headers.get('retry-after')]).toEqual([503, '5']);
    expect(await userinfo.json()).toMatchObject({ error: 'temporarily_unavailable' });
    const notReady = await fetch(`${op.issuer}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', checks: { redis: 'unavailable', cluster_state: 'unknown', keys: 'ok' } });

    const client = op.stores.redis!;
    const ready = reconnected(client);
    await cluster.start();
    await ready; // ioredis reconnects to the cluster on its own
    expect((await fetch(`${op.issuer}/readyz`)).status).toBe(200);
    let hop = await submitLogin(ua, login, ALICE.username, ALICE.password);
    if (hop.status === 200 && hop.body.includes('/confirm"')) hop = await submitForm(ua, hop, 'confirm');
    expect(hop.status).toBe(302);
    const fragment = fragmentParams(hop.location);
    expect(fragment.get('state')).toBe('state-xyz');
    const { payload } = await verifyIdToken(op.issuer, fragment.get('id_token')!, 'spa-both');
    expect(payload).toMatchObject({ sub: ALICE.sub, nonce: 'nonce-123' });
  }, 60_000);
});
