/** WORKERS: one host, several server processes sharing the port through node:cluster, all on one Redis. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { workerV8Flags } from '../../src/cluster.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { failedStart, startServerProcess, type ServerProcess } from '../support/process.js';
import { ALICE, testEnv } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const childrenOf = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);

/** User plus system CPU time of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Resolves when the output has shown `text` `times` times. */
async function outputShows(server: ServerProcess, text: string, times: number): Promise<void> {
  const count = () => server.output().split(text).length - 1;
  if (count() >= times) return;
  await new Promise<void>((resolve) => {
    const onData = () => {
      if (count() < times) return;
      server.child.stdout?.off('data', onData);
      resolve();
    };
    server.child.stdout?.on('data', onData);
  });
}

/** One GET on a connection of its own: the primary hands each new connection to the next worker in turn. */
function getOnNewConnection(url: string, headers: Record<string, string> = {}): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, location: res.headers.location, body }));
    }).on('error', reject);
  });
}

/** The pid of the process that logged each request line for `route` with `status`, in order. */
const servedBy = (server: ServerProcess, route: string, status: number): number[] =>
  server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; route?: string; status?: number; pid: number })
    .filter((entry) => entry.msg === 'request' && entry.route === route && entry.status === status)
    .map((entry) => entry.pid);

/** The value of one series in Prometheus text, e.g. sample(text, 'oidc_op_logins_total{outcome="success"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Each worker compiles and loads the app through tsx: seconds apiece, many more on a busy machine. */
const PROCESS_TEST_TIMEOUT_MS = 120_000;

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis?.close();
});

describe('WORKERS=2 on Redis', () => {
  test('two workers answer; a session made on one is honoured by both; a dead worker is replaced; SIGTERM exits 0', async () => {
    const env = await testEnv(redis, { WORKERS: '2' });
    const issuer = env.ISSUER!;
    const server = await startServerProcess(env);
    try {
      // The process started is node itself running src/main.ts (the container's start command): the primary.
      const primaryPid = server.child.pid!;
      await outputShows(server, '"msg":"worker listening"', 2);
      const workers = childrenOf(primaryPid);
      expect(workers).toHaveLength(2);
      expect(server.output()).toContain('"workers":2');
      // Each worker runs with its share of V8's helper threads, and its own GC when that is one (cluster.ts).
      const flags = workerV8Flags(2, availableParallelism());
      for (const pid of workers) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining(flags));

      const ua = new UserAgent(issuer);
      const final = await signIn(ua, authorizeUrl(issuer, implicitParams()), ALICE);
      expect(final.status).toBe(302);

      // Concurrent requests open several connections, which the primary hands to the workers in turn.
      const before = workers.map(cpuTicks);
      const silent = await Promise.all(
        Array.from({ length: 60 }, (_, i) => ua.get(authorizeUrl(issuer, implicitParams({ prompt: 'none', nonce: `n${i}`, state: `s${i}` })))),
      );
      const after = workers.map(cpuTicks);
      for (const [i, hop] of silent.entries()) {
        expect(hop.status).toBe(302);
        const fragment = fragmentParams(hop.location);
        expect(fragment.get('state')).toBe(`s${i}`);
        const { payload } = await verifyIdToken(issuer, fragment.get('id_token')!, 'spa-both');
        expect(payload).toMatchObject({ sub: ALICE.sub, nonce: `n${i}` });
      }
      // Both workers did work for those requests.
      expect(after[0]! - before[0]!).toBeGreaterThan(0);
      expect(after[1]! - before[1]!).toBeGreaterThan(0);

      process.kill(workers[0]!, 'SIGKILL');
      await outputShows(server, '"msg":"worker listening"', 3);
      expect(server.output()).toContain('worker died: replacing it');
      const replaced = childrenOf(primaryPid);
      expect(replaced).toHaveLength(2);
      expect(replaced).not.toContain(workers[0]);
      const again = await ua.get(authorizeUrl(issuer, implicitParams({ prompt: 'none', nonce: 'after', state: 'after' })));
      expect(fragmentParams(again.location).get('id_token')).toBeTruthy();
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output().split('"msg":"stopping"').length - 1).toBe(3); // the primary and both workers
  }, PROCESS_TEST_TIMEOUT_MS);
});

describe('metrics under WORKERS=2', () => {
  test('a scrape, whichever worker takes it, counts the requests of both; METRICS_TOKEN still guards it; a replaced worker is counted too; a hung one fails the scrape', async () => {
    const token = randomBytes(24).toString('base64url');
    const env = await testEnv(redis, { WORKERS: '2', METRICS_TOKEN: token });
    const issuer = env.ISSUER!;
    const server = await startServerProcess(env);
    const LOGIN_REQUIRED = 'oidc_op_authorizations_total{response_type="id_token token",outcome="login_required"}';
    const AUTH_302 = 'oidc_op_http_request_duration_seconds_count{route="oidc:authorization",method="GET",status="302"}';
    // prompt=none with no session: one counted authorization error each, no state kept anywhere.
    const refuseSilently = async (count: number, from: number) => {
      for (let i = from; i < from + count; i++) {
        const hop = await getOnNewConnection(authorizeUrl(issuer, implicitParams({ prompt: 'none', state: `s${i}` })));
        expect(hop.status).toBe(302);
        expect(fragmentParams(hop.location).get('error')).toBe('login_required');
      }
      await outputShows(server, '"route":"oidc:authorization"', from + count); // each worker logs after answering
    };
    const scrape = (headers: Record<string, string> = { authorization: `Bearer ${token}` }) => getOnNewConnection(`${issuer}/metrics`, headers);
    try {
      await outputShows(server, '"msg":"worker listening"', 2);
      const workers = childrenOf(server.child.pid!);
      const N = 24;
      await refuseSilently(N, 0);
      // Both workers served some of them (the pid in each request's log line), the primary none.
      const firstRound = servedBy(server, 'oidc:authorization', 302);
      expect(firstRound).toHaveLength(N);
      expect(new Set(firstRound)).toEqual(new Set(workers));

      expect((await scrape({})).status).toBe(401);
      expect((await scrape({ authorization: 'Bearer wrong' })).status).toBe(401);
      // Consecutive scrapes land on alternate workers; each reports the total over both.
      for (let i = 0; i < 4; i++) {
        const metrics = await scrape();
        expect(metrics.status).toBe(200);
        expect(sample(metrics.body, LOGIN_REQUIRED)).toBe(N);
        expect(sample(metrics.body, AUTH_302)).toBe(N);
      }
      await outputShows(server, '"route":"/metrics"', 6);
      expect(new Set(servedBy(server, '/metrics', 200))).toEqual(new Set(workers));

      // A worker killed takes its counts with it; its replacement reports from then on.
      const [killed, survivor] = workers as [number, number];
      process.kill(killed, 'SIGKILL');
      await outputShows(server, '"msg":"worker listening"', 3);
      const replacement = childrenOf(server.child.pid!).find((pid) => pid !== survivor)!;
      const M = 8;
      await refuseSilently(M, N);
      const secondRound = servedBy(server, 'oidc:authorization', 302).slice(N);
      expect(new Set(secondRound)).toEqual(new Set([survivor, replacement]));
      const still = [...firstRound, ...secondRound].filter((pid) => pid !== killed).length;
      for (let i = 0; i < 4; i++) {
        const metrics = await scrape();
        expect(metrics.status).toBe(200);
        expect(sample(metrics.body, LOGIN_REQUIRED)).toBe(still);
      }
      await outputShows(server, '"route":"/metrics"', 10);
      expect(new Set(servedBy(server, '/metrics', 200).slice(4))).toEqual(new Set([survivor, replacement]));

      // A hung worker (stopped) cannot share its registry: the scrape the other worker takes fails with 503
      // rather than hang or report a partial sum; the one handed to the hung worker waits for it to resume.
      process.kill(replacement, 'SIGSTOP');
      let scrapes: Promise<{ status: number; body: string }>[] = [];
      try {
        scrapes = [scrape(), scrape()];
        const first = await Promise.race(scrapes);
        expect(first.status).toBe(503);
        expect(JSON.parse(first.body)).toMatchObject({ error: 'metrics_unavailable' });
      } finally {
        process.kill(replacement, 'SIGCONT');
      }
      await Promise.all(scrapes);
      const resumed = await scrape();
      expect(resumed.status).toBe(200);
      expect(sample(resumed.body, LOGIN_REQUIRED)).toBe(still);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, PROCESS_TEST_TIMEOUT_MS);
});

describe('WORKERS refusals', () => {
  test('more than one worker on the in-memory store: refused, naming WORKERS and Redis', async () => {
    const env = await testEnv(undefined, { WORKERS: '2' });
    const { code, output } = await failedStart(env);
    expect(code).toBe(1);
    expect(output).toContain('WORKERS=2: more than one worker needs Redis');
  });

  test('a bad value names the variable', async () => {
    const { code, output } = await failedStart(await testEnv(redis, { WORKERS: 'many' }));
    expect(code).toBe(1);
    expect(output).toContain('WORKERS');
  });
});
