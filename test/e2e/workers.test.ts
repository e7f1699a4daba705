/** WORKERS: one host, several server processes sharing the port through node:cluster, all on one Redis. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
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
  });
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
