/**
 * A token's grant and session kept in memory by each instance (recent-reads.ts): a token checked again costs its
 * own read alone, and a revocation, a destroyed grant or an ended session on any instance refuses it once heard.
 * Two instances are two clients of one real redis-server, each with its adapters, as two server processes have.
 */
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { ChangeFeed, Copies } from '../../src/storage/change-feed.js';
import { recentReads } from '../../src/storage/recent-reads.js';
import { RedisAdapter } from '../../src/storage/redis-adapter.js';
import { RedisConsents } from '../../src/accounts/redis-consents.js';
import { useTestRedis } from '../support/test-redis.js';

const fixture = useTestRedis();
let stats: Redis;
const clients: Redis[] = [];

beforeAll(() => {
  stats = fixture.redis();
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()));
});

afterEach(() => fixture.clear());

/** Commands Redis ran since the last reset, by name (this test's own INFO and CONFIG left out). */
async function commands(): Promise<Record<string, number>> {
  const info = await stats.info('commandstats');
  const counts: Record<string, number> = {};
  for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (name !== 'info' && !name!.startsWith('config')) counts[name!] = Number(calls);
  }
  return counts;
}

/** One server process's view: its own connection, its adapters, and each check a request of its own. */
async function instance() {
  const server = fixture.server();
  const redis = new Redis(server.url, { keyPrefix: server.prefix });
  clients.push(redis);
  const recent = recentReads(redis);
  await recent.listening();
  let request = {};
  const adapter = (model: string) => new RedisAdapter(redis, model, () => request);
  const [sessions, grants, tokens] = [adapter('Session'), adapter('Grant'), adapter('AccessToken')];
  return {
    redis,
    sessions,
    grants,
    tokens,
    /** The reads oidc-provider's userinfo makes: the token, its session by uid, its grant; all three found, or why not. */
    async userinfo(token: string): Promise<'ok' | 'token refused' | 'session gone' | 'session of another account' | 'grant gone'> {
      request = {};
      const found = await tokens.find(token);
      if (!found) return 'token refused';
      const session = await sessions.findByUid(found.sessionUid as string);
      if (!session) return 'session gone';
      if (session.accountId !== found.accountId) return 'session of another account';
      if (!(await grants.find(found.grantId as string))) return 'grant gone';
      return 'ok';
    },
    /** Resolves when this instance hears the announcement of `announced` (another instance's change). */
    hears(announced: string): Promise<void> {
      return (async () => {
        for (;;) {
          const [id] = (await once(recent.feed, 'dropped')) as [string | undefined];
          if (id === announced) return;
        }
      })();
    },
  };
}

/** Session `s<n>` (uid `u<n>`) of account `a`, its grant `g<n>` and access token `t<n>` bound to it, written by `by`. */
async function signedIn(by: Awaited<ReturnType<typeof instance>>, n: number): Promise<void> {
  const exp = Math.floor(Date.now() / 1000) + 600;
  await by.sessions.upsert(`s${n}`, { uid: `u${n}`, accountId: 'a', exp } as never, 600);
  await by.grants.upsert(`g${n}`, { accountId: 'a', clientId: 'c', exp } as never, 600);
  await by.tokens.upsert(`t${n}`, { grantId: `g${n}`, sessionUid: `u${n}`, expiresWithSession: true, accountId: 'a', clientId: 'c', exp } as never, 600);
}

describe('a token checked again', () => {
  test('costs one command, its own read, once its grant and session were read lately', async () => {
    const a = await instance();
    await signedIn(a, 1);
    await stats.config('RESETSTAT');
    expect(await a.userinfo('t1')).toBe('ok');
    expect(await commands()).toEqual({ get: 2, mget: 1, hget: 1 }); // the token, its grant and mark, the uid's entry, the session

    await stats.config('RESETSTAT');
    expect(await a.userinfo('t1')).toBe('ok');
    expect(await commands()).toEqual({ get: 1 });

    // Another token of the same grant and session, never read here before: the same.
    const exp = Math.floor(Date.now() / 1000) + 600;
    await a.tokens.upsert('t1b', { grantId: 'g1', sessionUid: 'u1', expiresWithSession: true, accountId: 'a', clientId: 'c', exp } as never, 600);
    await stats.config('RESETSTAT');
    expect(await a.userinfo('t1b')).toBe('ok');
    expect(await commands()).toEqual({ get: 1 });
  });

  test('a session read by its cookie (an authorization) counts as read lately', async () => {
    const a = await instance();
    await signedIn(a, 2);
    await a.sessions.find('s2');
    await a.grants.find('g2');
    await stats.config('RESETSTAT');
    expect(await a.userinfo('t2')).toBe('ok');
    expect(await commands()).toEqual({ get: 1 });
  });
});

describe('a change on another instance', () => {
  test("a revoked grant: the token is refused as soon as the revocation is heard", async () => {
    const [a, b] = [await instance(), await instance()];
    await signedIn(b, 3);
    expect(await a.userinfo('t3')).toBe('ok');
    expect(await a.userinfo('t3')).toBe('ok'); // from memory now

    const heard = a.hears('g g3');
    await b.tokens.revokeByGrantId('g3');
    await heard;
    expect(await a.userinfo('t3')).toBe('token refused');
  });

  test("a consent revoked (its tokens revoked, the grant destroyed) through the account's consents", async () => {
    const [a, b] = [await instance(), await instance()];
    await signedIn(b, 4);
    expect(await a.userinfo('t4')).toBe('ok');
    expect(await a.userinfo('t4')).toBe('ok');

    const heard = a.hears('g g4');
    expect((await new RedisConsents(b.redis).revoke('a', 'c')).map((c) => c.grantId)).toEqual(['g4']);
    await heard;
    expect(await a.userinfo('t4')).toBe('grant gone'); // the revocation's mark went with the grant
  });

  test('a destroyed grant (logout): the grant is gone for the token', async () => {
    const [a, b] = [await instance(), await instance()];
    await signedIn(b, 5);
    expect(await a.userinfo('t5')).toBe('ok');
    expect(await a.userinfo('t5')).toBe('ok');

    const heard = a.hears('g g5');
    await b.grants.destroy('g5');
    await heard;
    expect(await a.userinfo('t5')).toBe('grant gone');
  });

  test('an ended session: its tokens lose their session', async () => {
    const [a, b] = [await instance(), await instance()];
    await signedIn(b, 6);
    expect(await a.userinfo('t6')).toBe('ok');
    expect(await a.userinfo('t6')).toBe('ok');

    const heard = a.hears('s u6');
    await b.sessions.destroy('s6');
    await heard;
    expect(await a.userinfo('t6')).toBe('session gone');
  });

  test('a session signed in again under a new id (same uid, another account): the new session is read', async () => {
    const [a, b] = [await instance(), await instance()];
    await signedIn(b, 7);
    expect(await a.userinfo('t7')).toBe('ok');
    expect(await a.userinfo('t7')).toBe('ok');

    const exp = Math.floor(Date.now() / 1000) + 600;
    const heard = a.hears('s u7');
    // As oidc-provider re-identifies a session: the old id destroyed, the new one saved under the same uid.
    await b.sessions.destroy('s7');
    await b.sessions.upsert('s7-new', { uid: 'u7', accountId: 'someone else', exp } as never, 600);
    await heard;
    expect(await a.userinfo('t7')).toBe('session of another account');
  });
});

describe('copies', () => {
  test('a read overtaken by a change is not kept', async () => {
    const server = fixture.server();
    const redis = new Redis(server.url, { keyPrefix: server.prefix });
    clients.push(redis);
    const feed = new ChangeFeed(redis, `${server.prefix}copies-test`);
    const copies = new Copies<string>(feed);
    await feed.listen();
    const before = feed.generation;
    copies.keep('x', 'read before the change', before);
    expect(copies.get('x')).toBe('read before the change');

    const started = feed.generation;
    await feed.announce('y'); // a change to another record, heard while the read was under way
    copies.keep('z', 'overtaken', started);
    expect(copies.get('z')).toBeUndefined();
    expect(copies.get('x')).toBe('read before the change');
    feed.close();
  });
});
