/** What an operator watches: health and readiness, Prometheus metrics, and one clean JSON log line per request. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/logger.js';
import { ALICE, BOB, startTestProvider, type TestProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { authorizeUrl, implicitParams, signIn, submitLogin } from '../support/flows.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const METRICS_TOKEN = randomBytes(24).toString('base64url');
const COOKIE_KEYS = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')];
const lines: string[] = [];
let redis: TestRedis;
let op: TestProvider;

beforeAll(async () => {
  redis = await startTestRedis();
  // debug: the prebuilt documents' lines are at debug (request-log.ts); every other request's at info.
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  op = await startTestProvider(redis, { METRICS_TOKEN, COOKIE_KEYS: COOKIE_KEYS.join(',') }, logger);
});

afterAll(async () => {
  await op?.close(500);
  await redis?.close();
});

const metricsText = async () => {
  const response = await fetch(`${op.issuer}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
};

/** The value of one series, e.g. sample(text, 'oidc_op_logins_total{outcome="success"}'). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('health', () => {
  test('/healthz says the process is alive; /readyz that Redis answers and keys are loaded', async () => {
    const live = await fetch(`${op.issuer}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${op.issuer}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', keys: 'ok' } });
  });
});

describe('metrics', () => {
  test('with METRICS_TOKEN set, /metrics needs it as a bearer token', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${METRICS_TOKEN}x`, METRICS_TOKEN]) {
      const response = await fetch(`${op.issuer}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain('oidc_op_');
    }
  });

  test('count authorizations by response type and outcome, logins by outcome, throttling; time routes and Redis', async () => {
    const before = await metricsText();
    // Bob: five wrong passwords, then the throttle refuses the next attempt before checking it.
    const ua = new UserAgent(op.issuer);
    let page = await ua.follow(authorizeUrl(op.issuer, implicitParams()));
    for (let i = 0; i < 5; i++) {
      page = await submitLogin(ua, page, BOB.username, 'not the password');
      expect(page.status).toBe(400);
    }
    page = await submitLogin(ua, page, BOB.username, BOB.password);
    expect(page.status).toBe(429);
    // Alice signs in, then signs in silently; a stranger's prompt=none gets login_required.
    const alice = new UserAgent(op.issuer);
    await signIn(alice, authorizeUrl(op.issuer, implicitParams()), ALICE);
    const silent = await alice.follow(authorizeUrl(op.issuer, implicitParams({ prompt: 'none', response_type: 'id_token' })));
    expect(fragmentParams(silent.location).get('id_token')).toBeTruthy();
    const refused = await new UserAgent(op.issuer).follow(authorizeUrl(op.issuer, implicitParams({ prompt: 'none' })));
    expect(fragmentParams(refused.location).get('error')).toBe('login_required');

    const after = await metricsText();
    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('oidc_op_logins_total{outcome="failure"}')).toBe(5);
    expect(delta('oidc_op_logins_total{outcome="throttled"}')).toBe(1);
    expect(delta('oidc_op_logins_total{outcome="success"}')).toBe(1);
    expect(delta('oidc_op_login_throttled_total')).toBe(1);
    expect(delta('oidc_op_authorizations_total{response_type="id_token token",outcome="success"}')).toBe(1);
    expect(delta('oidc_op_authorizations_total{response_type="id_token",outcome="success"}')).toBe(1);
    expect(delta('oidc_op_authorizations_total{response_type="id_token token",outcome="login_required"}')).toBe(1);
    expect(delta('oidc_op_http_request_duration_seconds_count{route="/interaction/:uid/login",method="POST",status="429"}')).toBe(1);
    expect(delta('oidc_op_http_request_duration_seconds_count{route="oidc:authorization",method="GET",status="302"}')).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'oidc_op_redis_command_duration_seconds_count{command="get"}')).toBeGreaterThan(0);
    expect(after).toMatch(/^oidc_op_process_cpu_seconds_total \d/m);
    expect(after).toContain('# TYPE oidc_op_redis_errors_total counter');
  });

  test("the process's own series are exported: event-loop lag, heap, CPU", async () => {
    const text = await metricsText();
    for (const series of ['oidc_op_nodejs_eventloop_lag_p99_seconds', 'oidc_op_nodejs_heap_size_used_bytes', 'oidc_op_process_cpu_seconds_total']) {
      expect(text).toMatch(new RegExp(`^${series} \\d`, 'm'));
    }
  });

  test('labels come from route names, not raw paths: random paths share one series', async () => {
    for (let i = 0; i < 5; i++) await fetch(`${op.issuer}/no-such-${randomBytes(6).toString('hex')}?x=${i}`);
    const text = await metricsText();
    expect(text).not.toContain('no-such-');
    expect(sample(text, 'oidc_op_http_request_duration_seconds_count{route="unmatched",method="GET",status="404"}')).toBeGreaterThanOrEqual(5);
  });
});

describe('request log', () => {
  test('a request id in X-Request-Id (a sane incoming one kept), and in the one log line of the request', async () => {
    const generated = await fetch(`${op.issuer}/healthz`);
    const id = generated.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${op.issuer}/.well-known/openid-configuration`, { headers: { 'x-request-id': 'edge-7f3a.42' } });
    expect(kept.headers.get('x-request-id')).toBe('edge-7f3a.42');
    const replaced = await fetch(`${op.issuer}/healthz`, { headers: { 'x-request-id': 'x'.repeat(300) } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
    expect(entries.filter((e) => e.reqId === id)).toEqual([expect.objectContaining({ level: 30, method: 'GET', route: '/healthz', status: 200, path: '/healthz' })]);
    expect(entries.filter((e) => e.reqId === 'edge-7f3a.42')).toEqual([expect.objectContaining({ level: 20, route: 'oidc:discovery', status: 200 })]);
  });

  test("oidc-provider's routes, whether the front door hands them to it directly or through our app, are logged once each, with our headers", async () => {
    const authorize = authorizeUrl(op.issuer, implicitParams());
    const asked: [string, string, RequestInit][] = [
      ['fast-auth', authorize, {}], // a GET of the authorization endpoint: straight to oidc-provider
      ['fast-userinfo', `${op.issuer}/me`, {}],
      ['app-auth-post', `${op.issuer}/auth`, { method: 'POST', body: new URL(authorize).searchParams }], // our app turns it into a GET
      ['app-resume', `${op.issuer}/auth/unknown-interaction`, {}], // through our app to oidc-provider
    ];
    const statuses: number[] = [];
    for (const [id, url, init] of asked) {
      const response = await fetch(url, { ...init, redirect: 'manual', headers: { 'x-request-id': id } });
      statuses.push(response.status);
      expect(response.headers.get('x-request-id')).toBe(id);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    expect(statuses).toEqual([303, 401, 303, 400]);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
    const logged = (id: string) => entries.filter((e) => e.reqId === id).map((e) => [e.route, e.status]);
    expect(logged('fast-auth')).toEqual([['oidc:authorization', 303]]);
    expect(logged('fast-userinfo')).toEqual([['oidc:userinfo', 401]]);
    expect(logged('app-auth-post')).toEqual([['unmatched', 303]]);
    expect(logged('app-resume')).toEqual([['oidc:resume', 400]]);
  });

  test('the prebuilt discovery and JWKS documents are logged under their routes at debug, also once built, and counted', async () => {
    const count = async (route: string) => sample(await metricsText(), `oidc_op_http_request_duration_seconds_count{route="${route}",method="GET",status="200"}`);
    const [discoveryBefore, jwksBefore] = [await count('oidc:discovery'), await count('oidc:jwks')];
    for (const [path, id] of [['/.well-known/openid-configuration', 'd1'], ['/.well-known/openid-configuration', 'd2'], ['/jwks', 'j1'], ['/jwks', 'j2']]) {
      expect((await fetch(`${op.issuer}${path}`, { headers: { 'x-request-id': id! } })).status).toBe(200);
    }
    const logged = Object.fromEntries(lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request').map((e) => [e.reqId, [e.route, e.level]]));
    expect([logged.d1, logged.d2, logged.j1, logged.j2]).toEqual([['oidc:discovery', 20], ['oidc:discovery', 20], ['oidc:jwks', 20], ['oidc:jwks', 20]]);
    expect(await count('oidc:discovery')).toBe(discoveryBefore + 2);
    expect(await count('oidc:jwks')).toBe(jwksBefore + 2);
  });

  test('a sign-in logs no password, token, cookie or secret', async () => {
    const from = lines.length;
    const ua = new UserAgent(op.issuer);
    const final = await signIn(ua, authorizeUrl(op.issuer, implicitParams({ scope: 'openid email' })), ALICE);
    const fragment = fragmentParams(final.location);
    const silent = await ua.follow(authorizeUrl(op.issuer, implicitParams({ prompt: 'none', nonce: 'n2' })));
    const userinfo = await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${fragment.get('access_token')}` } });
    expect(userinfo.status).toBe(200);
    const logout = await ua.follow(`${op.issuer}/session/end?id_token_hint=${fragment.get('id_token')}`);
    expect(logout.status).toBeLessThan(500);

    const logged = lines.slice(from).join('');
    expect(lines.length - from).toBeGreaterThan(5);
    const secrets = [
      ALICE.password,
      fragment.get('access_token')!,
      fragment.get('id_token')!,
      fragmentParams(silent.location).get('access_token')!,
      ...COOKIE_KEYS,
      // The interaction cookie's value is the interaction's uid, which its URL carries anyway; its signature is secret.
      ...ua
        .cookieNames()
        .filter((name) => !/^_interaction(_resume)?$/.test(name))
        .map((name) => ua.cookieValue(name)!),
    ];
    expect(secrets.length).toBeGreaterThan(6);
    for (const secret of secrets) expect(logged).not.toContain(secret);
    expect(logged).not.toMatch(/"(authorization|cookie|set-cookie)"|bearer/i);
  });
});
