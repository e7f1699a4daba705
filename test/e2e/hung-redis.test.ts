/**
 * Redis hangs (SIGSTOP: its connections stay open, nothing answers): requests answer 503 with Retry-After once
 * the command timeout passes, as with a dead Redis, and everything works again after SIGCONT without a restart.
 */
import { expect, test } from '@jest/globals';
import { describeWithOwnRedis } from '../support/describe-if.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { expectPagesUnavailable } from '../support/outage.js';
import { ALICE, useProvider } from '../support/provider.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider({ REDIS_COMMAND_TIMEOUT_MS: '1000' });

describeWithOwnRedis('the test pauses Redis (SIGSTOP)')('a hung Redis', () => {
  test('authorization, pages and userinfo answer 503 with Retry-After while it hangs, then work again after SIGCONT', async () => {
    const { op, redis } = fixture;
    const ua = new UserAgent(op.issuer);
    const signedIn = fragmentParams((await signIn(ua, authorizeUrl(op.issuer, implicitParams()), ALICE)).location);
    const bearer = { headers: { authorization: `Bearer ${signedIn.get('access_token')}` } };
    expect((await fetch(`${op.issuer}/me`, bearer)).status).toBe(200);
    const pendingUa = new UserAgent(op.issuer);
    const pending = await pendingUa.follow(authorizeUrl(op.issuer, implicitParams({ prompt: 'login' })));
    expect(pending.body).toContain('name="password"');

    redis.pause();
    try {
      await expectPagesUnavailable(op.issuer, pendingUa, pending.url);
      const userinfo = await fetch(`${op.issuer}/me`, bearer);
      expect([userinfo.status, userinfo.headers.get('retry-after')]).toEqual([503, '5']);
      expect(await userinfo.json()).toMatchObject({ error: 'temporarily_unavailable' });
      const silent = await ua.request(authorizeUrl(op.issuer, implicitParams({ prompt: 'none', nonce: 'while-hung' })));
      expect([silent.status, silent.headers.get('retry-after')]).toEqual([503, '5']);
      expect((await fetch(`${op.issuer}/readyz`)).status).toBe(503);
    } finally {
      redis.resume();
    }

    // The same connections serve again: the replies to the commands that timed out do not answer later ones.
    const again = await fetch(`${op.issuer}/me`, bearer);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ sub: ALICE.sub });
    const silent = fragmentParams((await ua.follow(authorizeUrl(op.issuer, implicitParams({ prompt: 'none', nonce: 'after-sigcont' })))).location);
    expect(silent.get('error')).toBeNull();
    expect(silent.get('id_token')).toBeTruthy();
    expect((await fetch(`${op.issuer}/readyz`)).status).toBe(200);
    const fresh = await signIn(new UserAgent(op.issuer), authorizeUrl(op.issuer, implicitParams({ nonce: 'fresh' })), ALICE);
    expect(fragmentParams(fresh.location).get('id_token')).toBeTruthy();
  }, 60_000);
});
