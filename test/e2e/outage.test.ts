/** Redis goes away mid-run: clean 503s with Retry-After, no crash, and recovery on its own when Redis returns. */
import { reconnected } from '../support/redis-server.js';
import { expect, test } from '@jest/globals';
import { describeWithOwnRedis } from '../support/describe-if.js';
import { useProvider } from '../support/provider.js';
import { authorizeUrl, implicitParams } from '../support/flows.js';
import { expectPagesUnavailable } from '../support/outage.js';
import { UserAgent } from '../support/user-agent.js';

const fixture = useProvider();

describeWithOwnRedis('the test stops Redis')('a Redis outage', () => {
  test('authorization and interaction pages answer 503 and /readyz says not ready, then all works again once Redis is back', async () => {
    const { op, redis } = fixture;
    const ua = new UserAgent(op.issuer);
    const login = await ua.follow(authorizeUrl(op.issuer, implicitParams()));
    expect(login.status).toBe(200);

    await redis.stop();
    await expectPagesUnavailable(op.issuer, ua, login.url);
    // The instance leaves the load balancer's rotation, but stays alive: no restart needed.
    const notReady = await fetch(`${op.issuer}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', checks: { redis: 'unavailable', keys: 'ok' } });
    expect((await fetch(`${op.issuer}/healthz`)).status).toBe(200);
    // The failed commands are counted (no METRICS_TOKEN here: /metrics is open).
    const metrics = await (await fetch(`${op.issuer}/metrics`)).text();
    const errors = metrics.split('\n').filter((l) => l.startsWith('oidc_op_redis_errors_total{'));
    expect(errors.reduce((sum, l) => sum + Number(l.split(' ')[1]), 0)).toBeGreaterThan(0);

    const client = op.stores.redis!;
    const ready = reconnected(client);
    await redis.start();
    await ready; // ioredis reconnects on its own
    expect((await fetch(`${op.issuer}/readyz`)).status).toBe(200);
    // This test Redis keeps nothing on disk, so what comes back is an empty store: the provider must serve
    // again from it (a fresh authorization reaches the login page), not stay broken.
    const again = await new UserAgent(op.issuer).follow(authorizeUrl(op.issuer, implicitParams()));
    expect(again.status).toBe(200);
    expect(again.body).toContain('name="password"');
  });

  test("oidc-provider's own endpoints answer 503 temporarily_unavailable, not 500, while Redis is away", async () => {
    const { op, redis } = fixture;
    const client = op.stores.redis!;
    await redis.stop();
    try {
      const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
      for (const [path, init] of [
        ['/me', { headers: { authorization: 'Bearer some-access-token' } }],
        ['/token/revocation', { ...form, body: 'token=some-token&client_id=spa-both' }],
      ] as const) {
        const response = await fetch(`${op.issuer}${path}`, init);
        expect([path, response.status, response.headers.get('retry-after')]).toEqual([path, 503, '5']);
        expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
      }
      // The end-session page is a browser's: our branded page.
      const logout = await fetch(`${op.issuer}/session/end`);
      expect(logout.status).toBe(503);
      expect(logout.headers.get('retry-after')).toBe('5');
      expect(await logout.text()).toContain('Temporarily unavailable');
    } finally {
      const ready = reconnected(client);
      await redis.start();
      await ready;
    }
    expect((await fetch(`${op.issuer}/me`, { headers: { authorization: 'Bearer some-access-token' } })).status).toBe(401);
  });
});
