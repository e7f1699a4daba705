/**
 * Malformed input on every endpoint: thousands of seeded random requests (bad or repeated parameters, invalid
 * percent-encoding and UTF-8, bogus cookies, oversized and mistyped bodies) must each get an answer below 500,
 * and the process must still answer afterwards. FUZZ_SEED=<n> replays a run; FUZZ_REQUESTS=<n> sizes it.
 */
import { reconnected } from '../support/redis-server.js';
import { request, Agent } from 'node:http';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { jsonOf, runCli } from '../support/cli.js';
import { useProvider } from '../support/provider.js';
import { describeWithOwnRedis } from '../support/describe-if.js';
import { authorizeUrl, implicitParams } from '../support/flows.js';
import { UserAgent } from '../support/user-agent.js';

const fixture = useProvider({ ARGON2_MEMORY_KIB: '8192' });
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);

/** mulberry32: a small seeded generator, so a failing run can be replayed exactly. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  return { int, pick, chance };
}
type Rng = ReturnType<typeof generator>;

interface Live {
  uid: string;
  cookies: string;
  adminToken: string;
}

const PARAMS = [
  'client_id', 'response_type', 'redirect_uri', 'scope', 'nonce', 'state', 'prompt', 'max_age', 'ui_locales', 'claims',
  'request', 'request_uri', 'id_token_hint', 'login_hint', 'response_mode', 'code_challenge', 'code_challenge_method',
  'grant_type', 'code', 'code_verifier', 'token', 'token_type_hint', 'post_logout_redirect_uri', 'logout', 'xsrf',
  'csrf', 'username', 'password', 'remember', 'acr_values', 'display', 'client_secret', 'lang', 'refresh_token',
];
const GOOD = ['spa-both', 'id_token token', 'id_token', 'code', 'https://rp.example.test/cb', 'openid', 'openid email profile', 'none', 'login', 'consent', 'n-1', 's-1', 'alice', 'yes', 'en', 'zh-CN', 'fragment', 'form_post', 'S256', 'authorization_code', 'implicit'];
const BAD_RAW = [
  '%', '%%', '%zz', '%4', '%C3%28', '%FF%FE%FD', '%ED%A0%80', '%F0%28%8C%BC', '%00', '%0d%0aSet-Cookie:x=y', '\u00e9\u00ff', '\u0080',
  '+', '%2B%2', '&', '=', '==', '[]', '{"', '{"a":1}', 'null', 'undefined', '-1', '0', '1e309', 'NaN', '9007199254740993',
  '../../etc/passwd', '<script>alert(1)</script>', 'javascript:alert(1)', '*', 'http://', 'https://evil.example/cb#x',
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'eyJ', 'a.b.c', 'A'.repeat(300),
];

function value(rng: Rng): string {
  const roll = rng.int(10);
  if (roll < 3) return encodeURIComponent(rng.pick(GOOD));
  if (roll < 8) return rng.pick(BAD_RAW);
  if (roll < 9) return encodeURIComponent(String.fromCharCode(...Array.from({ length: rng.int(40) }, () => rng.int(0x2fff))));
  return 'x'.repeat(rng.int(rng.chance(0.2) ? 20_000 : 2000)); // oversized
}

function paramString(rng: Rng): string {
  const parts: string[] = [];
  const count = rng.int(12);
  for (let i = 0; i < count; i++) {
    const name = rng.chance(0.9) ? rng.pick(PARAMS) : rng.pick(BAD_RAW);
    const times = rng.chance(0.2) ? 2 + rng.int(3) : 1; // repeated parameters
    for (let j = 0; j < times; j++) parts.push(rng.chance(0.05) ? name : `${name}=${value(rng)}`);
  }
  return parts.join(rng.chance(0.05) ? ';' : '&');
}

function paths(live: Live): string[] {
  const uid = live.uid;
  return [
    '/auth', `/auth/${uid}`, '/auth/nope', '/token', '/me', '/session/end', '/session/end/confirm', '/session/end/success',
    '/token/revocation', '/token/introspection', '/jwks', '/.well-known/openid-configuration', '/reg', '/request',
    `/interaction/${uid}`, `/interaction/${uid}/login`, `/interaction/${uid}/confirm`, `/interaction/${uid}/abort`,
    `/interaction/${uid}/continue`, `/interaction/${uid}/switch`, '/interaction/%zz/login', '/interaction/x/login',
    `/interaction/${uid}/federation/nope`, `/interaction/${uid}/federation/done/%zz`, `/interaction/${uid}/federation/done/${'A'.repeat(43)}`,
    '/federation/nope/callback', '/federation/%zz/callback', '/federation/x/saml/acs',
    '/admin/api/clients', '/admin/api/clients/spa-both', '/admin/api/clients/%zz', '/admin/api/clients/x/enable',
    '/admin/api/clients/x/rotate-secret', '/admin/api/users', '/admin/api/users/bob', '/admin/api/users/%C3%28',
    '/admin/api/users/bob/password', '/admin/api/users/bob/disable', '/admin/api/scopes', '/admin/api/scopes/%zz',
    '/admin/api/keys', '/admin/api/keys/%zz/retire', '/admin/api/settings', '/admin/api/settings/ttl.session',
    '/admin/api/settings/%zz', '/admin/api/audit', '/admin/api/openapi.json', '/assets/client-logo/spa-both',
    '/assets/client-logo/%zz', '/assets/client-logo/%C3%28', '/assets/app.css', '/assets/logo', '/assets/demo-callback.js', '/', '/demo/callback', '/docs/getting-started.md', '/healthz', '/readyz', '/metrics', '/%zz', '/\u00ff', '//x',
  ];
}

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded; charset=utf-16', 'application/json; charset=latin1', 'a/b/c', ';;;',
  'application/jwt', 'application/x-www-form-urlencoded; charset=\u00ff',
];

function cookies(rng: Rng, live: Live): string | undefined {
  const choices = [
    live.cookies,
    `_session=${value(rng)}; _session.sig=${value(rng)}`,
    `_interaction=${live.uid}; _interaction.sig=${value(rng)}`,
    `_session=${'a'.repeat(4000)}`,
    `=;;; ;=${value(rng)}`,
    `_session.legacy=\u00e9\u00ff; _interaction_resume=${value(rng)}`,
    `${live.cookies}; ${live.cookies}`,
  ];
  return rng.chance(0.6) ? rng.pick(choices) : undefined;
}

function authorization(rng: Rng, live: Live): string | undefined {
  const choices = [
    'Bearer ', `Bearer ${value(rng)}`, 'Basic !!!', `Basic ${Buffer.from('spa-both:x').toString('base64')}`, 'Basic %%%',
    `Basic ${Buffer.from(`${value(rng)}:${value(rng)}`).toString('base64')}`, `Bearer ${live.adminToken}`, 'DPoP x', 'Bearer a b c',
  ];
  return rng.chance(0.4) ? rng.pick(choices) : undefined;
}

function body(rng: Rng, contentType: string | undefined): Buffer | undefined {
  const roll = rng.int(8);
  if (roll === 0) return undefined;
  if (roll === 1) return Buffer.alloc(rng.chance(0.5) ? 200_000 : 2_000_000, 0x61); // oversized
  if (roll === 2) return Buffer.from(Array.from({ length: rng.int(500) }, () => rng.int(256))); // not UTF-8 at all
  if (roll === 3) return Buffer.from(rng.pick(['{', '[]', 'null', '"x"', '{"__proto__":{"x":1}}', '{"name":{"$gt":""}}', '{"redirectUris":"x"}', '1e999']), 'latin1');
  if (roll === 4 && contentType?.includes('json')) {
    const object = Object.fromEntries(Array.from({ length: rng.int(6) }, () => [rng.pick(['name', 'redirectUris', 'responseTypes', 'password', 'username', 'claims', 'value', 'role', 'id']), rng.pick([null, 1, -1, 'x', [], {}, ['x'], 'A'.repeat(3000), true])]));
    return Buffer.from(JSON.stringify(object));
  }
  return Buffer.from(paramString(rng), 'latin1');
}

interface Outcome {
  status: number;
  description: string;
}

function send(agent: Agent, port: number, rng: Rng, live: Live, index: number): Promise<Outcome> {
  const method = rng.pick(['GET', 'GET', 'GET', 'POST', 'POST', 'POST', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
  const query = rng.chance(0.7) ? `?${paramString(rng)}` : '';
  const path = rng.pick(paths(live)) + query;
  const headers: Record<string, string> = {};
  const cookie = cookies(rng, live);
  if (cookie) headers.cookie = cookie;
  const auth = authorization(rng, live);
  if (auth) headers.authorization = auth;
  const contentType = rng.chance(0.8) ? rng.pick(CONTENT_TYPES) : undefined;
  if (contentType) headers['content-type'] = contentType;
  if (rng.chance(0.1)) headers['accept-language'] = rng.pick(['*', 'zh-CN;q=x', '\u00e9', 'en;q=0.5, zh;q=1e9', ',,,']);
  if (rng.chance(0.05)) headers['x-forwarded-proto'] = 'https';
  if (rng.chance(0.1)) headers.origin = rng.pick(['null', 'https://evil.example', '\u00ff']);
  const payload = ['GET', 'HEAD'].includes(method) && rng.chance(0.9) ? undefined : body(rng, contentType);
  const description = `#${index} ${method} ${path.slice(0, 200)} headers=${JSON.stringify(headers).slice(0, 300)} body=${payload ? `${payload.length} bytes` : 'none'}`;
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent, timeout: 15_000 }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, description }));
      res.once('error', () => resolve({ status: res.statusCode ?? 0, description }));
    });
    // The server may answer (413, 415) and close before an oversized body is fully sent.
    req.once('error', (err) => resolve({ status: (err as NodeJS.ErrnoException).code === 'ECONNRESET' || (err as NodeJS.ErrnoException).code === 'EPIPE' ? 499 : 0, description: `${description}: ${err.message}` }));
    req.once('timeout', () => {
      req.destroy(new Error('no answer within 15 s'));
    });
    req.end(payload);
  });
}

describe('malformed input', () => {
  test('requests that once got a 500 get a 4xx', async () => {
    const { op } = fixture;
    for (const path of ['/auth/no-such-interaction?client_id=spa-both', '/auth/x?client_id=spa-both&nonce=n', '/assets/client-logo/%zz', '/assets/client-logo/%C3%28']) {
      const response = await fetch(`${op.issuer}${path}`, { redirect: 'manual' });
      expect([path, response.status]).toEqual([path, expect.any(Number)]);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
  });

  let live: Live;
  beforeAll(async () => {
    const { op, redis } = fixture;
    process.stdout.write(`fuzz: FUZZ_SEED=${SEED} FUZZ_REQUESTS=${REQUESTS}\n`);
    const created = await runCli(['admin-token', 'create', '--name', 'fuzz', '--json'], { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, NODE_ENV: 'test' });
    const ua = new UserAgent(op.issuer);
    const login = await ua.follow(authorizeUrl(op.issuer, implicitParams()));
    live = {
      uid: new URL(login.url).pathname.split('/')[2]!,
      cookies: ua.cookieNames().map((n) => `${n}=${ua.cookieValue(n)}`).join('; '),
      adminToken: String(jsonOf(created).token),
    };
  });

  /** Sends `count` requests drawn from `seed`, 16 at a time; returns those `acceptable` refuses, and the statuses seen. */
  async function fuzz(seed: number, count: number, acceptable: (status: number) => boolean) {
    const rng = generator(seed);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const failures: Outcome[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    // Requests are drawn in order from one generator: the same seed gives the same requests.
    const plan = Array.from({ length: count }, (_, i) => () => send(agent, fixture.op.port, rng, live, i));
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < plan.length) {
          const outcome = await plan[next++]!();
          statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
          if (!acceptable(outcome.status)) failures.push(outcome);
        }
      }),
    );
    agent.destroy();
    process.stdout.write(`fuzz statuses: ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    if (failures.length) process.stdout.write(`fuzz seed ${seed}: ${failures.length} failures\n${failures.slice(0, 20).map((f) => `${f.status} ${f.description}`).join('\n')}\n`);
    return { failures: failures.map((f) => `${f.status} ${f.description}`).slice(0, 10), statuses };
  }

  test(`${REQUESTS} random malformed requests across every endpoint: never a 5xx, never a crash`, async () => {
    const { failures, statuses } = await fuzz(SEED, REQUESTS, (status) => status > 0 && status < 500);
    expect(failures).toEqual([]);
    // Many different refusals, not one blanket answer.
    expect(statuses.size).toBeGreaterThan(5);
    expect((await fetch(`${fixture.op.issuer}/healthz`)).status).toBe(200);
    expect((await fetch(`${fixture.op.issuer}/readyz`)).status).toBe(200);
  }, 300_000);

  describeWithOwnRedis('the test stops Redis')('with Redis away', () => {
    test('the same with Redis away: a 4xx or a 503, never another 5xx, and all is well once it is back', async () => {
      const { op, redis } = fixture;
      const client = op.stores.redis!;
      await redis.stop();
      let outcome: Awaited<ReturnType<typeof fuzz>>;
      try {
        outcome = await fuzz(SEED + 1, Math.ceil(REQUESTS / 6), (status) => status > 0 && (status < 500 || status === 503));
      } finally {
        const ready = reconnected(client);
        await redis.start();
        await ready;
      }
      expect(outcome.failures).toEqual([]);
      expect(outcome.statuses.get(503)).toBeGreaterThan(0);
      expect((await fetch(`${op.issuer}/readyz`)).status).toBe(200);
    }, 300_000);
  });
});
