/** The oidc-provider adapter contract against a real standalone redis-server. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { grantsRecordOf, newGrantId } from '../../src/storage/account-grants.js';
import { decode, SESSION } from '../../src/storage/compact-records.js';
import { accountGrantsKey, defineAdapterScripts, recordKey, RedisAdapter } from '../../src/storage/redis-adapter.js';
import { RedisConsents } from '../../src/storage/redis-consents.js';
import { legacyUidKey, uidBucketKey } from '../../src/storage/session-uids.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { adapterContract } from './adapter-contract.js';

let server: TestRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url, { keyPrefix: server.prefix, enableAutoPipelining: true });
});

afterAll(async () => {
  await redis?.quit();
  await server?.close();
});

async function clear(): Promise<void> {
  const keys = await redis.keys(`${server.prefix}*`);
  if (keys.length) await redis.del(...keys.map((k) => k.slice(server.prefix.length)));
}

adapterContract(() => ({ redis, clear }));

// The per-account grant index behind consents (standalone: revoking reads grants across slots).
const adapter = (model: string) => new RedisAdapter(redis, model);
const ttlOf = (key: string) => redis.ttl(key);

describe('consents', () => {
  afterEach(clear);
  describe("an account's grants", () => {
    test('each grant joins its account\'s index, which expires with the newest grant and drops expired ones', async () => {
      const grants = adapter('Grant');
      await grants.upsert('ga', { jti: 'ga', accountId: 'acc', clientId: 'c1', openid: { scope: 'openid email' } } as never, 600);
      await grants.upsert('gb', { jti: 'gb', accountId: 'acc', clientId: 'c2' } as never, 3600);
      await grants.upsert('gx', { jti: 'gx' } as never, 3600); // no account: no index
      const index = accountGrantsKey('acc');
      expect((await redis.zrange(index, '0', '-1')).sort()).toEqual(['ga', 'gb']);
      expect(await ttlOf(index)).toBeGreaterThan(3590);
      await grants.upsert('ga', { jti: 'ga', accountId: 'acc', clientId: 'c1' } as never, 600); // re-saved with a shorter life
      expect(await ttlOf(index)).toBeGreaterThan(3590); // never shortened

      await redis.zadd(index, Date.now() - 1000, 'old'); // an expired grant's id
      await grants.upsert('gc', { jti: 'gc', accountId: 'acc', clientId: 'c3' } as never, 60);
      expect((await redis.zrange(index, '0', '-1')).sort()).toEqual(['ga', 'gb', 'gc']);
    });

    test('consents list the live grants and revoke one with its tokens; a grant destroyed elsewhere drops out', async () => {
      const grants = adapter('Grant');
      await grants.upsert('g1', { jti: 'g1', accountId: 'acc', clientId: 'c1', openid: { scope: 'openid email', claims: ['email'] }, iat: 1_700_000_000, exp: 1_700_003_600 } as never, 3600);
      await grants.upsert('g2', { jti: 'g2', accountId: 'acc', clientId: 'c2' } as never, 3600);
      await adapter('AccessToken').upsert('t1', { grantId: 'g1' } as never, 600);
      const consents = new RedisConsents(redis);
      expect((await consents.list('acc')).find((c) => c.clientId === 'c1')).toEqual({
        grantId: 'g1', clientId: 'c1', scope: 'openid email', claims: ['email'], createdAt: '2023-11-14T22:13:20.000Z', expiresAt: '2023-11-14T23:13:20.000Z',
      });

      expect((await consents.revoke('acc', 'c1')).map((c) => c.grantId)).toEqual(['g1']);
      expect(await grants.find('g1')).toBeUndefined();
      expect(await adapter('AccessToken').find('t1')).toBeUndefined();
      expect(await consents.revoke('acc', 'c1')).toEqual([]);

      await grants.destroy('g2'); // as oidc-provider does on logout
      expect(await consents.list('acc')).toEqual([]);
      expect(await redis.exists(accountGrantsKey('acc'))).toBe(0);
    });
  });
});

describe('sessions saved only to roll their expiry', () => {
  afterEach(clear);
  const sessionKey = (id: string) => recordKey('Session', id);
  const stored = async (id: string) => decode(SESSION, id, (await redis.get(sessionKey(id)))!) as Record<string, unknown>;

  test('a save that only moves the expiry forward a little is skipped; a change, or a larger move, is written', async () => {
    const sessions = adapter('Session');
    const now = Math.floor(Date.now() / 1000);
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a', exp: now + 600 } as never, 600);
    await sessions.find('s1');
    await redis.set(sessionKey('s1'), JSON.stringify({ uid: 'u1', accountId: 'a', exp: now + 600, marker: 'untouched' }), 'KEEPTTL');
    // find() remembered the payload before the marker: re-read so the memo matches what is stored now.
    const read = await sessions.find('s1');
    await sessions.upsert('s1', { ...read, exp: now + 630 } as never, 630);
    expect(await stored('s1')).toMatchObject({ exp: now + 600, marker: 'untouched' });

    await sessions.find('s1');
    await sessions.upsert('s1', { ...read, exp: now + 700 } as never, 700);
    expect((await stored('s1')).exp).toBe(now + 700);

    await sessions.find('s1');
    await sessions.upsert('s1', { ...read, exp: now + 710, accountId: 'b' } as never, 710);
    expect(await stored('s1')).toMatchObject({ accountId: 'b', exp: now + 710 });
  });

  test('a session not read first, or read as missing, is always written', async () => {
    const sessions = adapter('Session');
    const now = Math.floor(Date.now() / 1000);
    await sessions.upsert('s2', { uid: 'u2', exp: now + 600 } as never, 600);
    await sessions.upsert('s2', { uid: 'u2', exp: now + 601, accountId: 'x' } as never, 601);
    expect((await stored('s2')).accountId).toBe('x');
    await redis.del(sessionKey('s2'));
    expect(await sessions.find('s2')).toBeUndefined();
    await sessions.upsert('s2', { uid: 'u2', exp: now + 602 } as never, 602);
    expect(await redis.exists(sessionKey('s2'))).toBe(1);
  });
});

describe('the stored shape of a signed-in user', () => {
  afterEach(clear);
  const epoch = Math.floor(Date.now() / 1000);
  const id43 = (c: string) => c.repeat(43);

  test('a session and its grant as a sign-in leaves them: read back deep-equal, stored in the bytes the design allows', async () => {
    const accountId = 'be0c4be0c4be0c4be0c4be0c4be0c400';
    const grantId = newGrantId(accountId);
    const session = {
      iat: epoch, exp: epoch + 1209600, uid: id43('u'), accountId, loginTs: epoch, amr: ['pwd'], acr: 'urn:oidc-op:acr:password',
      transient: true, kind: 'Session', jti: id43('s'), authorizations: { 'bench-spa': { sid: id43('d'), grantId } },
    };
    const grant = { iat: epoch, exp: epoch + 1209600, accountId, clientId: 'bench-spa', kind: 'Grant', jti: grantId, openid: { scope: 'openid email' } };
    await adapter('Session').upsert(session.jti, session as never, 1209600);
    await adapter('Grant').upsert(grantId, grant as never, 1209600);
    expect(await adapter('Session').find(session.jti)).toEqual(session);
    expect(await adapter('Session').findByUid(session.uid)).toEqual(session);
    expect(await adapter('Grant').find(grantId)).toEqual(grant);

    // The design's budget is 1,000 bytes per signed-in user, and Redis's own cost per key (~170 bytes with an expiry)
    // takes a third of it: a session's value must stay in jemalloc's 320-byte class (≤ 316 characters; its values
    // alone, 3 ids, the account and client ids, acr, amr and times, are 227), its grant's line in the 160-byte class
    // (≤ 156; 139 here) of its account's record.
    const storedSession = (await redis.get(recordKey('Session', session.jti)))!;
    expect(storedSession.startsWith('[')).toBe(true);
    expect(storedSession.length).toBeLessThanOrEqual(280);
    const record = (await redis.get(grantsRecordOf(accountId)))!;
    expect(record.startsWith(`${grantId} [`)).toBe(true);
    expect(record.length).toBeLessThanOrEqual(145);
    expect(await redis.hget(uidBucketKey(session.uid), session.uid)).toMatch(new RegExp(`^${session.jti} \\d+$`));
  });

  test('records written by the previous version are read, listed, and removed with their indexes', async () => {
    // As the previous version wrote them: JSON objects, the uid's own key, the grant's own key and the account's index.
    const session = { iat: epoch, exp: epoch + 600, uid: 'old-uid', accountId: 'acc', kind: 'Session', jti: 'old-session', authorizations: { c1: { sid: 'x', grantId: 'oldgrant' } } };
    const grant = { iat: epoch, exp: epoch + 600, accountId: 'acc', clientId: 'c1', kind: 'Grant', jti: 'oldgrant', openid: { scope: 'openid' } };
    await redis.set(recordKey('Session', 'old-session'), JSON.stringify(session), 'EX', 600);
    await redis.set(legacyUidKey('old-uid'), 'old-session', 'EX', 600);
    await redis.set(recordKey('Grant', 'oldgrant'), JSON.stringify(grant), 'EX', 600);
    await redis.zadd(accountGrantsKey('acc'), Date.now() + 600_000, 'oldgrant');
    expect(await adapter('Session').find('old-session')).toEqual(session);
    expect(await adapter('Session').findByUid('old-uid')).toEqual(session);
    expect(await adapter('Grant').find('oldgrant')).toEqual(grant);

    const newer = newGrantId('acc');
    await adapter('Grant').upsert(newer, { iat: epoch, exp: epoch + 600, accountId: 'acc', clientId: 'c2' } as never, 600);
    const consents = new RedisConsents(redis);
    expect((await consents.list('acc')).map((c) => [c.grantId, c.clientId]).sort()).toEqual([['oldgrant', 'c1'], [newer, 'c2']].sort());
    expect((await consents.revoke('acc', 'c1')).map((c) => c.grantId)).toEqual(['oldgrant']);
    expect((await consents.revoke('acc', 'c2')).map((c) => c.grantId)).toEqual([newer]);
    expect(await consents.list('acc')).toEqual([]);
    expect(await redis.exists(recordKey('Grant', 'oldgrant'), grantsRecordOf('acc'), accountGrantsKey('acc'))).toBe(0);

    await adapter('Session').destroy('old-session');
    expect(await redis.exists(recordKey('Session', 'old-session'), legacyUidKey('old-uid'))).toBe(0);
  });
});

describe('scripts', () => {
  afterEach(clear);

  test("defined before a client's first command, they run while other commands wait in its pipeline", async () => {
    // What the stores do at start-up; a script defined on first use failed the request whose pipeline was filling.
    const client = new Redis(server.url, { keyPrefix: server.prefix, enableAutoPipelining: true });
    defineAdapterScripts(client);
    try {
      const grantId = newGrantId('racer');
      const waiting = client.get('something-else');
      const saved = new RedisAdapter(client, 'Grant').upsert(grantId, { exp: Math.floor(Date.now() / 1000) + 60, accountId: 'racer' } as never, 60);
      const trimmed = new RedisAdapter(client, 'Session').upsert('racing-session', { uid: 'racing-uid' } as never, 60);
      await Promise.all([waiting, saved, trimmed]);
      expect(await adapter('Grant').find(grantId)).toMatchObject({ accountId: 'racer' });
    } finally {
      client.disconnect();
    }
  });
});
