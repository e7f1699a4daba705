/**
 * Redis loses its data (FLUSHALL here; a failover to an empty replica or a restore does the same) under an
 * instance with generated keys, and a second instance starts afterwards: both converge on one set of cookie and
 * signing keys within the refresh interval, so a session made on either is honoured by the other.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { describeWithOwnRedis } from '../support/describe-if.js';
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { ALICE, startTestProvider, type TestProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const REFRESH = { SETTINGS_REFRESH_MS: '200' };

let redis: TestRedis;
const running: TestProvider[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  for (const op of running) await op.close(500);
  await redis?.close();
});

/** An instance and what it logs at warn and above, as parsed lines (a 'line' event for each). */
async function start(): Promise<{ op: TestProvider; log: EventEmitter; lines: { msg: string; keys?: string }[] }> {
  const log = new EventEmitter();
  const lines: { msg: string; keys?: string }[] = [];
  const sink = {
    write(text: string) {
      lines.push(JSON.parse(text) as { msg: string });
      log.emit('line');
    },
  };
  const op = await startTestProvider(redis, REFRESH, pino({ level: 'warn' }, sink));
  running.push(op);
  return { op, log, lines };
}

async function flushAll(): Promise<void> {
  const admin = new Redis(redis.url);
  try {
    await admin.flushall();
  } finally {
    admin.disconnect();
  }
}

/** Resolves once `holds()`, checking again whenever one of `sources` emits `event`. */
function until(holds: () => boolean, sources: EventEmitter[], event = 'change'): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!holds()) return;
      sources.forEach((source) => source.off(event, check));
      resolve();
    };
    sources.forEach((source) => source.on(event, check));
    check();
  });
}

const agree = (a: TestProvider, b: TestProvider) => () =>
  JSON.stringify([a.cookieKeys.current, a.keys.current]) === JSON.stringify([b.cookieKeys.current, b.keys.current]);

/** A session made on `on`: its cookies, as a browser would send them to any instance of the deployment. */
async function sessionOn(op: TestProvider): Promise<string> {
  const ua = new UserAgent(op.issuer);
  const hop = await signIn(ua, authorizeUrl(op.issuer, implicitParams()), ALICE);
  expect(fragmentParams(hop.location).get('id_token')).toBeTruthy();
  return ua.cookieHeaderFor(`${op.issuer}/auth`);
}

/** A silent authorization on `op` with the session cookies: an error here means `op` does not honour the session. */
async function silentOn(op: TestProvider, cookie: string): Promise<URLSearchParams> {
  const hop = await new UserAgent(op.issuer).follow(authorizeUrl(op.issuer, implicitParams({ prompt: 'none', nonce: 'silent' })), { headers: { cookie } });
  return fragmentParams(hop.location);
}

describeWithOwnRedis('the test flushes the whole Redis (FLUSHALL)')('keys after Redis loses its data', () => {
  test('an instance that finds its keys gone writes back those it holds, saying so; one started later uses them; sessions cross', async () => {
    const { op: a, log, lines } = await start();
    expect((await silentOn(a, await sessionOn(a))).get('error')).toBeNull();
    const held = JSON.stringify([a.cookieKeys.current, a.keys.current]);

    await flushAll();
    const restored = (keys: string) => () => lines.some((line) => line.keys === keys && /missing from Redis.*wrote back/.test(line.msg));
    await until(() => restored('cookies')() && restored('signing')(), [log], 'line');
    const { op: b } = await start();
    expect(JSON.stringify([b.cookieKeys.current, b.keys.current])).toBe(held);
    expect(JSON.stringify([a.cookieKeys.current, a.keys.current])).toBe(held);

    await expectSessionsCross(a, b);
  }, 60_000);

  test('an instance whose keys another one replaced in the store follows them: sessions cross', async () => {
    const [a, ...others] = running.splice(0);
    running.push(a!);
    for (const op of others) await op.close(500);
    // A is not looking while Redis loses its data and B starts with keys of its own.
    a!.cookieKeys.stop();
    a!.keys.stop();
    await flushAll();
    const { op: b } = await start();
    expect(b.cookieKeys.current).not.toEqual(a!.cookieKeys.current);
    a!.cookieKeys.start(200);
    a!.keys.start(200);
    await until(agree(a!, b), [a!.cookieKeys, a!.keys]);

    await expectSessionsCross(a!, b);
  }, 60_000);
});

async function expectSessionsCross(a: TestProvider, b: TestProvider): Promise<void> {
  const onB = await silentOn(b, await sessionOn(a));
  expect(onB.get('error')).toBeNull();
  expect(onB.get('id_token')).toBeTruthy();
  const onA = await silentOn(a, await sessionOn(b));
  expect(onA.get('error')).toBeNull();
  expect(onA.get('id_token')).toBeTruthy();
}
