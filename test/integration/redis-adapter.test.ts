/** The oidc-provider adapter contract against a real standalone redis-server. */
import { afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { bucketKey } from '../../src/storage/bucket-index.js';
import { decodeRecord, encodeRecord } from '../../src/storage/compact-records.js';
import { accountGrants, consentGrantsOn, parseGrantItem } from '../../src/storage/account-grants.js';
import { recordKey } from '../../src/storage/record-keys.js';
import { RedisAdapter } from '../../src/storage/redis-adapter.js';
import { RedisConsents } from '../../src/accounts/redis-consents.js';
import { useTestRedis } from '../support/test-redis.js';
import { adapterContract } from './adapter-contract.js';

const fixture = useTestRedis();
let redis: Redis;

beforeAll(() => {
  redis = fixture.redis();
});

const clear = () => fixture.clear();

adapterContract(() => ({ redis, clear }));

// The per-account grant index behind consents (standalone: revoking reads grants across slots).
const adapter = (model: string) => new RedisAdapter(redis, model);
const ttlOf = (key: string) => redis.ttl(key);

describe('consents', () => {
  afterEach(clear);
  describe("an account's grants", () => {
    test("each grant joins its account's entry, which expires with the newest grant; expired entries leave the bucket", async () => {
      const grants = adapter('Grant');
      const index = accountGrants(redis);
      const grantIds = async (account: string) => (await index.read(account)).map((item) => parseGrantItem(item).grantId);
      const bucket = bucketKey('AccountGrants', 'acc');
      await grants.upsert('ga', { jti: 'ga', accountId: 'acc', clientId: 'c1', openid: { scope: 'openid email' } } as never, 600);
      await grants.upsert('gb', { jti: 'gb', accountId: 'acc', clientId: 'c2' } as never, 3600);
      await grants.upsert('gx', { jti: 'gx' } as never, 3600); // no account: no entry
      expect((await grantIds('acc')).sort()).toEqual(['ga', 'gb']);
      expect(await ttlOf(bucket)).toBeGreaterThan(3590);
      await grants.upsert('ga', { jti: 'ga', accountId: 'acc', clientId: 'c1' } as never, 600); // re-saved with a shorter life
      expect(await ttlOf(bucket)).toBeGreaterThan(3590); // never shortened
      expect(await grantIds('acc')).toEqual(['ga', 'gb']); // once each

      // Another account in the same bucket whose grants all expired: dropped by the next write to the bucket.
      const neighbour = Array.from({ length: 100_000 }, (_, i) => `acc-${i}`).find((a) => bucketKey('AccountGrants', a) === bucket)!;
      await redis.hset(bucket, neighbour, `${Math.floor(Date.now() / 1000) - 5} old`);
      expect(await index.read(neighbour)).toEqual([]); // expired reads as none at once
      await grants.upsert('gc', { jti: 'gc', accountId: 'acc', clientId: 'c3' } as never, 60);
      expect(await redis.hexists(bucket, neighbour)).toBe(0);
      expect((await grantIds('acc')).sort()).toEqual(['ga', 'gb', 'gc']);
    });

    test("a client's grants are found from one read of the account's entry, newest first; a one-grant entry keeps its bucket small", async () => {
      const grants = adapter('Grant');
      const grantsOf = consentGrantsOn(redis);
      const first = 'V1StGXR8_Z5jdHi6B-myT'; // as long as oidc-provider's grant ids
      await grants.upsert(first, { jti: first, accountId: 'solo', clientId: 'spa' } as never, 3600);
      expect(await redis.object('ENCODING', bucketKey('AccountGrants', 'solo'))).toBe('listpack');
      expect(await grantsOf('solo', 'spa')).toEqual([first]);
      expect(await grantsOf('solo', 'portal')).toEqual([]);

      await grants.upsert('g2', { jti: 'g2', accountId: 'solo', clientId: 'portal' } as never, 3600);
      await grants.upsert('g3', { jti: 'g3', accountId: 'solo', clientId: 'spa' } as never, 3600);
      // An item an earlier version wrote (no client tag) is listed, never found for a client.
      await accountGrants(redis).change('solo', 'add', ['old'], Math.floor(Date.now() / 1000) + 3600);
      expect(await grantsOf('solo', 'spa')).toEqual(['g3', first]);
      expect(await grantsOf('solo', 'portal')).toEqual(['g2']);
      expect((await accountGrants(redis).read('solo')).map((item) => parseGrantItem(item).grantId)).toEqual([first, 'g2', 'g3', 'old']);
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
      expect(await redis.hexists(bucketKey('AccountGrants', 'acc'), 'acc')).toBe(0);
    });
  });
});

describe('sessions saved only to roll their expiry', () => {
  afterEach(clear);
  const sessionKey = (id: string) => recordKey('Session', id);
  const inRedis = async (id: string) => decodeRecord('Session', id, (await redis.get(sessionKey(id)))!);

  test('a save that only moves the expiry forward a little is skipped; a change, or a larger move, is written', async () => {
    const sessions = adapter('Session');
    const now = Math.floor(Date.now() / 1000);
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a', exp: now + 600 } as never, 600);
    await sessions.find('s1');
    await redis.set(sessionKey('s1'), encodeRecord('Session', 's1', { uid: 'u1', accountId: 'a', exp: now + 600, marker: 'untouched' }), 'KEEPTTL');
    // find() remembered the payload before the marker: re-read so the memo matches what is stored now.
    const stored = await sessions.find('s1');
    await sessions.upsert('s1', { ...stored, exp: now + 630 } as never, 630);
    expect(await inRedis('s1')).toMatchObject({ exp: now + 600, marker: 'untouched' });

    await sessions.find('s1');
    await sessions.upsert('s1', { ...stored, exp: now + 700 } as never, 700);
    expect((await inRedis('s1')).exp).toBe(now + 700);

    await sessions.find('s1');
    await sessions.upsert('s1', { ...stored, exp: now + 710, accountId: 'b' } as never, 710);
    expect(await inRedis('s1')).toMatchObject({ accountId: 'b', exp: now + 710 });
  });

  test('a session not read first, or read as missing, is always written', async () => {
    const sessions = adapter('Session');
    const now = Math.floor(Date.now() / 1000);
    await sessions.upsert('s2', { uid: 'u2', exp: now + 600 } as never, 600);
    await sessions.upsert('s2', { uid: 'u2', exp: now + 601, accountId: 'x' } as never, 601);
    expect((await inRedis('s2')).accountId).toBe('x');
    await redis.del(sessionKey('s2'));
    expect(await sessions.find('s2')).toBeUndefined();
    await sessions.upsert('s2', { uid: 'u2', exp: now + 602 } as never, 602);
    expect(await redis.exists(sessionKey('s2'))).toBe(1);
  });
});

describe('a session-bound token read for a request', () => {
  afterEach(clear);
  const calls = async (command: string) => Number((await redis.info('commandstats')).match(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm'))?.[1] ?? 0);

  /** Session `s<n>` (uid `u<n>`), its grant `g<n>` and token `t<n>` bound to it, through adapters serving one request. */
  async function sessionBoundToken(n: number) {
    const request = {};
    const forRequest = (model: string) => new RedisAdapter(redis, model, () => request);
    const [sessions, grants, tokens] = [forRequest('Session'), forRequest('Grant'), forRequest('AccessToken')];
    const exp = Math.floor(Date.now() / 1000) + 600;
    await sessions.upsert(`s${n}`, { uid: `u${n}`, accountId: 'a', exp } as never, 600);
    await grants.upsert(`g${n}`, { accountId: 'a', clientId: 'c', exp } as never, 600);
    await tokens.upsert(`t${n}`, { grantId: `g${n}`, sessionUid: `u${n}`, expiresWithSession: true, accountId: 'a', exp } as never, 600);
    return { request, sessions, grants, tokens, exp };
  }

  test("its session's uid entry is read beside its grant, and the request's next read of that uid uses it once", async () => {
    const { sessions, grants, tokens, exp } = await sessionBoundToken(1);
    await tokens.upsert('unbound', { grantId: 'g1', sessionUid: 'u1', accountId: 'a', exp } as never, 600);
    await redis.config('RESETSTAT');

    expect(await tokens.find('unbound')).toMatchObject({ grantId: 'g1' });
    expect(await calls('hget')).toBe(0);

    expect(await tokens.find('t1')).toMatchObject({ grantId: 'g1', sessionUid: 'u1' });
    expect(await calls('hget')).toBe(1);
    expect(await grants.find('g1')).toMatchObject({ accountId: 'a' });
    expect(await sessions.findByUid('u1')).toMatchObject({ uid: 'u1', accountId: 'a' });
    expect(await calls('hget')).toBe(1);
    expect(await calls('mget')).toBe(2);

    // Used once: a later read of the uid goes to Redis.
    expect(await sessions.findByUid('u1')).toMatchObject({ uid: 'u1' });
    expect(await calls('hget')).toBe(2);
  });

  test('a token whose grant was revoked is refused, leaves no read of its uid behind, and the uid is then read from Redis', async () => {
    const { request, sessions, tokens } = await sessionBoundToken(2);
    await tokens.revokeByGrantId('g2');
    await redis.config('RESETSTAT');

    expect(await tokens.find('t2')).toBeUndefined();
    expect(Object.getOwnPropertySymbols(request)).toEqual([]);
    expect(await sessions.findByUid('u2')).toMatchObject({ uid: 'u2' });
    expect(await calls('hget')).toBe(2);
  });
});
