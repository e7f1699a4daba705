/**
 * One measured run against one server: autocannon with a request built per request (fresh nonce and state),
 * every response checked, resident memory sampled, and the Redis commands counted from INFO commandstats.
 */
import autocannon from 'autocannon';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Redis } from 'ioredis';
import { atHash } from '../test/support/rp.js';
import type { Target } from './targets.js';
import { CLIENT, REDIRECT_URI, USERS } from './fixture.js';
import { FlowClient, signIn } from './flow-client.js';

/** What the scenarios ask for unless they say otherwise. */
const DEFAULT_SCOPE = 'openid email';

export interface Measurement {
  /** Requests (or flows) per second. */
  rate: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and responses that failed the check. */
  errors: number;
  operations: number;
  /** Redis commands per operation (ours only). */
  redisPerOp?: number;
  redisCommands?: Record<string, number>;
  /** CPU milliseconds per operation spent by redis-server (ours only), from INFO cpu. */
  redisCpuMs?: number;
  /** Highest resident memory of the server process tree during the run, MiB. */
  peakRssMiB: number;
  /**
   * CPU milliseconds per operation spent by the server's process tree, and by the load generator (this process):
   * on a shared machine these move far less than the rates do.
   */
  serverCpuMs: number;
  clientCpuMs: number;
  /** ID tokens verified after the run (signature, issuer, audience, expiry, nonce, at_hash): every one issued. */
  verified?: number;
  firstProblem?: string;
}

export interface RunOptions {
  durationS: number;
  connections: number;
  redis?: Redis;
}

const REDIS_OWN = new Set(['info', 'config', 'client', 'hello', 'select', 'ping']);

export async function resetRedisStats(redis: Redis | undefined): Promise<void> {
  if (redis) await redis.config('RESETSTAT');
}

/** CPU seconds redis-server has used since it started (user + system, every thread). */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const text = await redis.info('cpu');
  const of = (name: string) => Number(text.match(new RegExp(`^${name}:([\\d.]+)`, 'm'))?.[1] ?? 0);
  return of('used_cpu_user') + of('used_cpu_sys');
}

/** Commands each name made since the last reset, without the benchmark's own. */
export async function redisCommandCounts(redis: Redis): Promise<Record<string, number>> {
  const text = await redis.info('commandstats');
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^cmdstat_([\w|-]+):calls=(\d+)/gm)) {
    if (!REDIS_OWN.has(m[1]!)) counts[m[1]!] = Number(m[2]);
  }
  return counts;
}

function sampleRss(target: Target): () => number {
  let peak = target.rss();
  const timer = setInterval(() => (peak = Math.max(peak, target.rss())), 200);
  return () => {
    clearInterval(timer);
    return Math.round((Math.max(peak, target.rss()) / 1048576) * 10) / 10;
  };
}

const perOp = (total: number, operations: number, digits: number) => (operations ? Math.round((total / operations) * 10 ** digits) / 10 ** digits : 0);

async function withStats(target: Target, options: RunOptions, run: () => Promise<Omit<Measurement, 'peakRssMiB' | 'redisPerOp' | 'redisCommands' | 'redisCpuMs' | 'serverCpuMs' | 'clientCpuMs'>>): Promise<Measurement> {
  const redis = target.kind === 'ours' ? options.redis : undefined;
  await resetRedisStats(redis);
  const redisCpu = redis ? await redisCpuSeconds(redis) : 0;
  const peak = sampleRss(target);
  const serverCpu = target.cpuSeconds();
  const clientCpu = process.cpuUsage();
  const result = await run();
  const { user, system } = process.cpuUsage(clientCpu);
  const cpu = { serverCpuMs: perOp((target.cpuSeconds() - serverCpu) * 1000, result.operations, 3), clientCpuMs: perOp((user + system) / 1000, result.operations, 3) };
  const peakRssMiB = peak();
  if (!redis) return { ...result, peakRssMiB, ...cpu };
  const redisCpuMs = perOp(((await redisCpuSeconds(redis)) - redisCpu) * 1000, result.operations, 3);
  const redisCommands = await redisCommandCounts(redis);
  const total = Object.values(redisCommands).reduce((a, b) => a + b, 0);
  return { ...result, peakRssMiB, ...cpu, redisCpuMs, redisCommands, redisPerOp: perOp(total, result.operations, 2) };
}

interface Check {
  problems: number;
  first?: string;
  fail(why: string): void;
}

function check(): Check {
  const c: Check = {
    problems: 0,
    fail(why) {
      c.problems++;
      c.first ??= why;
    },
  };
  return c;
}

async function autocannonRun(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** autocannon hands headers over with the case the server wrote them in. */
export function headerOf(headers: unknown, name: string): string | undefined {
  for (const [key, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
    if (key.toLowerCase() === name) return String(value);
  }
  return undefined;
}

const decodePayload = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

/** An ID token as the relying party received it, with the nonce it sent and the access token beside it (if any). */
interface Issued {
  jwt: string;
  nonce: string;
  accessToken?: string | null;
}

/** ID tokens kept for verification after a run (about 1 KB each): every one of a run of any usual length. */
const MAX_KEPT = 200_000;

/**
 * Verifies every ID token as a relying party would, after the run: doing it per response would put the client's
 * verification CPU into the measured window, on the cores the servers run on. A token refused counts as an error.
 */
async function verifyAll(origin: string, tokens: Issued[], c: Check): Promise<number> {
  if (!tokens.length) return 0;
  const jwks = createLocalJWKSet((await (await fetch(`${origin}/jwks`)).json()) as JSONWebKeySet);
  let verified = 0;
  for (const { jwt, nonce, accessToken } of tokens) {
    try {
      const { payload, protectedHeader } = await jwtVerify(jwt, jwks, { issuer: origin, audience: CLIENT.client_id });
      if (payload.nonce !== nonce) throw new Error('an ID token carries another nonce than its request');
      if (accessToken && payload.at_hash !== atHash(accessToken, protectedHeader.alg)) throw new Error('at_hash does not match the access token');
      verified++;
    } catch (err) {
      c.fail(`ID token refused: ${(err as Error).message}`);
    }
  }
  return verified;
}

/** A measured run's figures with the verification's refusals added to its errors. */
function withVerification(measured: Measurement, verified: number, issued: number, c: Check): Measurement {
  return { ...measured, errors: measured.errors + issued - verified, verified, ...(c.first ? { firstProblem: c.first } : {}) };
}

/**
 * Silent SSO: `prompt=none` with one of the given sessions (cookie headers, round robin), a fresh nonce and state
 * per request. Each response must be a 302 to the redirect URI whose fragment carries the tokens and the state.
 */
export async function silent(target: Target, sessions: string[], responseType: 'id_token token' | 'id_token', options: RunOptions, scope = DEFAULT_SCOPE): Promise<Measurement> {
  const c = check();
  const issued: Issued[] = [];
  let n = 0;
  const prefix = `${Date.now().toString(36)}-`;
  const base = `/auth?${new URLSearchParams({ client_id: CLIENT.client_id, response_type: responseType, scope, redirect_uri: REDIRECT_URI, prompt: 'none' })}`;
  const expected = finalStatus(target);
  const wantsToken = responseType.includes('token ') || responseType.endsWith(' token');
  const measured = await withStats(target, options, async () => {
    const result = await autocannonRun({
      url: target.origin,
      connections: options.connections,
      duration: options.durationS,
      requests: [
        {
          setupRequest(request, context) {
            const id = `${prefix}${++n}`;
            const ctx = context as { state: string; nonce: string };
            ctx.state = `s${id}`;
            ctx.nonce = `n${id}`;
            return { ...request, method: 'GET', path: `${base}&nonce=${ctx.nonce}&state=${ctx.state}`, headers: { cookie: sessions[n % sessions.length]! } };
          },
          onResponse(status, _body, context, headers) {
            const ctx = context as { state: string; nonce: string };
            const location = headerOf(headers, 'location');
            if (status !== expected || !location?.startsWith(`${REDIRECT_URI}#`)) return c.fail(`status ${status} location ${location}`);
            const fragment = new URLSearchParams(location.slice(REDIRECT_URI.length + 1));
            const idToken = fragment.get('id_token');
            if (fragment.get('state') !== ctx.state) return c.fail(`state not echoed: ${location.slice(0, 200)}`);
            if (!idToken || (wantsToken && !fragment.get('access_token'))) return c.fail(`tokens missing: ${location.slice(0, 200)}`);
            if (decodePayload(idToken).nonce !== ctx.nonce) return c.fail('nonce not in the ID token');
            if (issued.length < MAX_KEPT) issued.push({ jwt: idToken, nonce: ctx.nonce, accessToken: fragment.get('access_token') });
          },
        },
      ],
    });
    return summary(result, c);
  });
  return withVerification(measured, await verifyAll(target.origin, issued, c), issued.length, c);
}

function summary(result: autocannon.Result, c: Check) {
  const operations = result.requests.total;
  return {
    rate: Math.round((operations / result.duration) * 10) / 10,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + c.problems,
    operations,
    ...(c.first ? { firstProblem: c.first } : {}),
  };
}

/** A GET that must answer 200 with a body containing `expect` (discovery, JWKS, userinfo). */
export async function simpleGet(target: Target, path: string, expect: string, options: RunOptions, headers: Record<string, string> = {}): Promise<Measurement> {
  const c = check();
  return withStats(target, options, async () => {
    const result = await autocannonRun({
      url: `${target.origin}${path}`,
      connections: options.connections,
      duration: options.durationS,
      headers,
      requests: [
        {
          onResponse(status, body) {
            if (status !== 200 || !body.includes(expect)) c.fail(`status ${status}: ${body.slice(0, 200)}`);
          },
        },
      ],
    });
    return summary(result, c);
  });
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const authorizePath = (nonce: string, state: string, scope = DEFAULT_SCOPE) =>
  `/auth?${new URLSearchParams({ client_id: CLIENT.client_id, response_type: 'id_token token', scope, redirect_uri: REDIRECT_URI })}&nonce=${nonce}&state=${state}`;

/** The parameters of the fragment of a redirect to the relying party. */
const fragmentOf = (location: string | undefined) => new URLSearchParams(location?.slice(location.indexOf('#') + 1) ?? '');

/** oidc-provider answers 303 to every redirect; ours sends the final one to the relying party as 302. */
const finalStatus = (target: Target) => (target.kind === 'ours' ? 302 : 303);

/**
 * A person signing in: authorize → login page → login (argon2id) → consent → redirect with tokens, the state and
 * the nonce checked; the tokens go into `issued` to be verified after the run. Resolves with the client, which holds
 * the session's cookies.
 */
export async function interactiveFlow(origin: string, id: string, user: Person, issued?: Issued[], scope = DEFAULT_SCOPE): Promise<FlowClient> {
  const client = new FlowClient(origin);
  // prompt=consent: ours remembers a consent per account, plain oidc-provider per session; asking every time keeps
  // the work of both the same (a login and a consent page per flow).
  const final = await signIn(client, `${authorizePath(`n${id}`, `s${id}`, scope)}&prompt=consent`, user);
  if ((final.status !== 302 && final.status !== 303) || !final.location?.startsWith(`${REDIRECT_URI}#`)) throw new Error(`flow ended with ${final.status} ${final.location ?? final.body.slice(0, 200)}`);
  const fragment = fragmentOf(final.location);
  const idToken = fragment.get('id_token');
  if (fragment.get('state') !== `s${id}` || !idToken || !fragment.get('access_token')) throw new Error(`flow ended without tokens: ${final.location}`);
  if (decodePayload(idToken).nonce !== `n${id}`) throw new Error('nonce not in the ID token');
  issued?.push({ jwt: idToken, nonce: `n${id}`, accessToken: fragment.get('access_token') });
  return client;
}


/** The person at connection (or session) `i`: one of the fixture's users each, in turn. */
export const personOf = (i: number, people: readonly Person[] = USERS) => people[i % people.length]!;

/** Who signs in: the fixture's local users or the directory scenarios' accounts; for the second-factor scenario, with the authenticator app's code. */
export type Person = { username: string; password: string; code?: () => string };

/** Sessions made through the real pages; each returned as the Cookie header a browser would send to /auth. */
export async function makeSessions(target: Target, count: number, scope = DEFAULT_SCOPE, people: readonly Person[] = USERS): Promise<{ cookies: string[]; accessToken: string }> {
  const agents = await Promise.all(Array.from({ length: count }, (_, i) => interactiveFlow(target.origin, `setup${i}`, personOf(i, people), undefined, scope)));
  const cookies = agents.map((client) => client.cookieHeaderFor('/auth'));
  const silentHop = await agents[0]!.request('GET', `${authorizePath('n-at', 's-at', scope)}&prompt=none`);
  const accessToken = fragmentOf(silentHop.location).get('access_token');
  if (!accessToken) throw new Error(`no access token from a silent authorization: ${silentHop.status} ${silentHop.location}`);
  return { cookies, accessToken };
}

/** Full interactive flows by `connections` concurrent people for the duration; `personFor` picks who signs in each flow. */
export async function interactive(target: Target, options: RunOptions, personFor: (connection: number) => Person = personOf): Promise<Measurement> {
  const c = check();
  const latencies: number[] = [];
  const issued: Issued[] = [];
  let n = 0;
  const measured = await withStats(target, options, async () => {
    const started = performance.now();
    const end = started + options.durationS * 1000;
    await Promise.all(
      Array.from({ length: options.connections }, async (_, connection) => {
        while (performance.now() < end) {
          const t0 = performance.now();
          try {
            const id = ++n;
            await interactiveFlow(target.origin, `f${id}`, personFor(connection), issued);
            latencies.push(performance.now() - t0);
          } catch (err) {
            c.fail((err as Error).message);
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      rate: Math.round((latencies.length / elapsed) * 10) / 10,
      p50: Math.round(percentile(latencies, 50)),
      p99: Math.round(percentile(latencies, 99)),
      errors: c.problems,
      operations: latencies.length,
      ...(c.first ? { firstProblem: c.first } : {}),
    };
  });
  return withVerification(measured, await verifyAll(target.origin, issued, c), issued.length, c);
}
