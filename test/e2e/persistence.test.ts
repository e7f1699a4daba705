/**
 * Redis with append-only persistence restarted under a running provider: no session, grant, user, client or key
 * is lost, and the provider carries on by itself.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { describeWithOwnRedis } from '../support/describe-if.js';
import { ALICE, startTestProvider, type TestProvider } from '../support/provider.js';
import { reconnected, startTestRedis, type TestRedis } from '../support/redis-server.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

let redis: TestRedis;
let op: TestProvider;

beforeAll(async () => {
  // fsync on every write: the test's stop() is a SIGKILL, the harshest restart there is.
  redis = await startTestRedis({ persistent: true });
  op = await startTestProvider(redis);
});

afterAll(async () => {
  await op?.close(500);
  await redis?.close();
});

describeWithOwnRedis('the test restarts Redis')('a Redis restart on its append-only file', () => {
  test('sessions, grants, users, clients and keys are all there afterwards', async () => {
    const user = await op.stores.users.create({ username: 'persisted', password: 'persisted password', claims: { email: 'p@example.com' } });
    const client = await op.stores.clients.create({ name: 'Persisted app', redirectUris: ['https://persisted.example.test/cb'], responseTypes: ['id_token token'] });
    const params = (extra: Record<string, string> = {}) => implicitParams({ client_id: client.client_id, redirect_uri: 'https://persisted.example.test/cb', scope: 'openid email', ...extra });
    const ua = new UserAgent(op.issuer);
    const first = fragmentParams((await signIn(ua, authorizeUrl(op.issuer, params()), { username: 'persisted', password: 'persisted password' })).location);
    const { protectedHeader } = await verifyIdToken(op.issuer, first.get('id_token')!, client.client_id);
    const aliceUa = new UserAgent(op.issuer);
    await signIn(aliceUa, authorizeUrl(op.issuer, implicitParams()), ALICE);

    const client_ = op.stores.redis!;
    await redis.stop();
    await redis.start();
    await reconnected(client_);

    // The session and the grant: a silent sign-in with the old cookie, no login, no consent.
    const silent = fragmentParams((await ua.follow(authorizeUrl(op.issuer, params({ prompt: 'none', nonce: 'after' })))).location);
    expect(silent.get('error')).toBeNull();
    const after = await verifyIdToken(op.issuer, silent.get('id_token')!, client.client_id);
    expect(after.payload).toMatchObject({ sub: user.sub, nonce: 'after' });
    // The same signing key, read back from Redis (its JWKS unchanged).
    expect(after.protectedHeader.kid).toBe(protectedHeader.kid);
    // The access token issued before the restart still works.
    const userinfo = await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${first.get('access_token')}` } });
    expect(await userinfo.json()).toMatchObject({ sub: user.sub, email: 'p@example.com' });
    // The user and the client are still there, and a fresh sign-in with the password works.
    expect(await op.stores.users.findByUsername('persisted')).toMatchObject({ sub: user.sub });
    expect(await op.stores.clients.find(client.client_id)).toBeDefined();
    const fresh = await signIn(new UserAgent(op.issuer), authorizeUrl(op.issuer, params({ nonce: 'fresh' })), { username: 'persisted', password: 'persisted password' });
    expect(fragmentParams(fresh.location).get('id_token')).toBeTruthy();
    // Another user's session too.
    const alice = fragmentParams((await aliceUa.follow(authorizeUrl(op.issuer, implicitParams({ prompt: 'none', nonce: 'a2' })))).location);
    expect((await verifyIdToken(op.issuer, alice.get('id_token')!, 'spa-both')).payload.sub).toBe(ALICE.sub);
  });
});
