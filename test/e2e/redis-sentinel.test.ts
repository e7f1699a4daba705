/** The provider on Redis Sentinel: a sign-in, then a failover to the replica, after which the session still works. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { describeWithOwnRedis } from '../support/describe-if.js';
import { ALICE, startTestProvider, type TestProvider } from '../support/provider.js';
import { reconnected } from '../support/redis-server.js';
import { SENTINEL_NAME, startTestSentinel, type TestSentinel } from '../support/redis-sentinel.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

let sentinel: TestSentinel;
let op: TestProvider;

beforeAll(async () => {
  sentinel = await startTestSentinel();
  op = await startTestProvider(undefined, { REDIS_SENTINELS: sentinel.sentinels, REDIS_SENTINEL_NAME: SENTINEL_NAME, REDIS_KEY_PREFIX: sentinel.master.prefix });
}, 60_000);

afterAll(async () => {
  await op?.close(500);
  await sentinel?.close();
});

describeWithOwnRedis('the test runs its own master, replica and Sentinel')('Redis Sentinel', () => {
  test('sign in through the master Sentinel names; after a failover the session, grant and keys live on', async () => {
    expect(op.settings.redis?.mode).toBe('sentinel');
    const ua = new UserAgent(op.issuer);
    const first = fragmentParams((await signIn(ua, authorizeUrl(op.issuer, implicitParams()), ALICE)).location);
    const { protectedHeader } = await verifyIdToken(op.issuer, first.get('id_token')!, 'spa-both');

    await sentinel.failover();
    // Sentinel cut the clients of the demoted master; the client finds the new one through Sentinel.
    const client = op.stores.redis!;
    await reconnected(client);

    const silent = fragmentParams((await ua.follow(authorizeUrl(op.issuer, implicitParams({ prompt: 'none', nonce: 'after-failover' })))).location);
    expect(silent.get('error')).toBeNull();
    const after = await verifyIdToken(op.issuer, silent.get('id_token')!, 'spa-both');
    expect(after.payload).toMatchObject({ sub: ALICE.sub, nonce: 'after-failover' });
    expect(after.protectedHeader.kid).toBe(protectedHeader.kid);
    // Writes land on the new master: a fresh sign-in stores a new session there.
    const fresh = await signIn(new UserAgent(op.issuer), authorizeUrl(op.issuer, implicitParams({ nonce: 'fresh' })), ALICE);
    expect(fragmentParams(fresh.location).get('id_token')).toBeTruthy();
  });
});
