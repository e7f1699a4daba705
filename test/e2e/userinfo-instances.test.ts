/**
 * Userinfo on two providers sharing one Redis, as two instances behind a balancer: once a token's grant, session and
 * account were read lately, a userinfo request costs one Redis command, the token's own read; a consent revoked, a
 * sign-out or a user disabled through the other instance refuses the token here as soon as this one hears of it.
 */
import { once, type EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { recentReads } from '../../src/storage/recent-reads.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { startTestProvider, type TestProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

// The settings, keys and scopes are read again every SETTINGS_REFRESH_MS: not during a count of commands.
const QUIET = { SETTINGS_REFRESH_MS: '60000' };

let redis: TestRedis;
let stats: Redis;
let a: TestProvider;
let b: TestProvider;

beforeAll(async () => {
  redis = await startTestRedis();
  stats = new Redis(redis.url);
  a = await startTestProvider(redis, QUIET);
  b = await startTestProvider(redis, QUIET);
}, 60_000);

afterAll(async () => {
  await a?.close(500);
  await b?.close(500);
  stats?.disconnect();
  await redis?.close();
});

const userinfo = async (op: TestProvider, token: string) => (await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${token}` } })).status;

/** Commands Redis ran since the last reset, by name (this test's own INFO and CONFIG left out). */
async function commands(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [, name, calls] of (await stats.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (name !== 'info' && !name!.startsWith('config')) counts[name!] = Number(calls);
  }
  return counts;
}

/** A new user signed in on `a` through spa-both: the access token, and the user's name. */
async function signedInOnA(name: string): Promise<{ token: string; username: string }> {
  const password = `${name} long password`;
  await a.stores.users.create({ username: name, password, claims: { email: `${name}@example.com` } });
  const final = await signIn(new UserAgent(a.issuer), authorizeUrl(a.issuer, implicitParams({ scope: 'openid email', nonce: name })), { username: name, password });
  return { token: fragmentParams(final.location).get('access_token')!, username: name };
}

/** Resolves when `emitter` emits `event` with `value` (an announcement heard). */
async function heard(emitter: EventEmitter, event: string, value: string): Promise<void> {
  for (;;) {
    const [got] = (await once(emitter, event)) as [string | undefined];
    if (got === value) return;
  }
}

/** `a`'s grant and session changes, as it hears them. */
const feedOfA = () => recentReads(a.stores.redis!).feed;

describe('userinfo on one instance of two', () => {
  test('once its grant, session and account were read lately, a request costs one Redis command', async () => {
    const { token } = await signedInOnA('ulla');
    await recentReads(a.stores.redis!).listening();
    expect(await userinfo(a, token)).toBe(200);
    // What the sign-in left to write in the background is written now, not during the count.
    await Promise.all([a.stores.usage.flush(), a.stores.audit.flush()]);
    await stats.config('RESETSTAT');
    expect(await userinfo(a, token)).toBe(200);
    expect(await commands()).toEqual({ get: 1 });
  });

  test("a consent revoked through the other instance: refused as soon as it is heard", async () => {
    const { token } = await signedInOnA('vera');
    const [grantId] = (await b.stores.consents.list(await subOf('vera'))).map((c) => c.grantId);
    expect([await userinfo(a, token), await userinfo(a, token)]).toEqual([200, 200]);

    const revocation = heard(feedOfA(), 'dropped', `g ${grantId}`);
    await b.stores.consents.revoke(await subOf('vera'), 'spa-both', 'test');
    await revocation;
    expect(await userinfo(a, token)).toBe(401);
  });

  test('a sign-out on the other instance (its session destroyed): refused as soon as it is heard', async () => {
    const { token } = await signedInOnA('wilma');
    expect([await userinfo(a, token), await userinfo(a, token)]).toEqual([200, 200]);
    const uid = (await fetchUid(token))!;

    const signOut = heard(feedOfA(), 'dropped', `s ${uid}`);
    const sessions = b.provider.current.Session;
    const session = (await sessions.findByUid(uid))!;
    await session.destroy();
    await signOut;
    expect(await userinfo(a, token)).toBe(401);
  });

  test('a user disabled through the other instance: refused as soon as it is heard', async () => {
    const { token, username } = await signedInOnA('xena');
    expect([await userinfo(a, token), await userinfo(a, token)]).toEqual([200, 200]);

    const users = (a.stores.users as unknown as { records: EventEmitter }).records;
    const disabled = heard(users, 'invalidated', await subOf(username));
    await b.stores.users.setDisabled(username, true);
    await disabled;
    expect(await userinfo(a, token)).toBe(401);
  });
});

const subOf = async (username: string) => (await a.stores.users.findByUsername(username))!.sub;

/** The session uid a token is bound to, as stored. */
async function fetchUid(token: string): Promise<string | undefined> {
  const found = await b.provider.current.AccessToken.find(token);
  return found?.sessionUid;
}
