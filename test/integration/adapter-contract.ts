/**
 * The oidc-provider adapter contract, run against each Redis topology by its own test file (standalone and
 * Cluster): what oidc-provider relies on, and the bounds on what we keep.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { bucketKey } from '../../src/storage/bucket-index.js';
import { revocationKey } from '../../src/storage/grant-revocations.js';
import { recordKey } from '../../src/storage/record-keys.js';
import { RedisAdapter } from '../../src/storage/redis-adapter.js';
import type { RedisClient } from '../../src/storage/redis.js';

export interface ContractTarget {
  /** A client whose key prefix isolates this file's keys. */
  redis: RedisClient;
  /** Deletes every key the tests wrote. */
  clear(): Promise<void>;
}

export function adapterContract(target: () => ContractTarget): void {
  afterEach(() => target().clear());

  const adapter = (model: string) => new RedisAdapter(target().redis, model);
  const ttlOf = (key: string) => target().redis.ttl(key);
  const r = () => target().redis;
  /** Another client on the same Redis: another instance of the provider, with its own memory of what it read. */
  const duplicate = () => (target().redis as unknown as { duplicate(): RedisClient }).duplicate();
  /** A new client and the names of the commands it has sent, connection handshake aside. */
  const counted = () => {
    const client = duplicate();
    // A command queued while the client connects is sent through here twice: count each one once.
    const commands = new Set<{ name: string }>();
    const send = client.sendCommand.bind(client) as (command: { name: string }) => unknown;
    (client as unknown as { sendCommand: typeof send }).sendCommand = (command) => (commands.add(command), send(command));
    const handshake = new Set(['hello', 'client', 'info', 'cluster', 'ping', 'select']);
    return { client, sent: () => [...commands].map((c) => c.name).filter((name) => !handshake.has(name)) };
  };

  describe('records', () => {
    test('upsert stores the payload with the expiry oidc-provider passes; find returns it', async () => {
      const sessions = adapter('Interaction');
      await sessions.upsert('i1', { uid: 'u', returnTo: '/auth/i1', exp: 1 } as never, 600);
      expect(await sessions.find('i1')).toEqual({ uid: 'u', returnTo: '/auth/i1', exp: 1 });
      const ttl = await ttlOf(recordKey('Interaction', 'i1'));
      expect(ttl).toBeGreaterThan(590);
      expect(ttl).toBeLessThanOrEqual(600);
      expect(await sessions.find('missing')).toBeUndefined();
    });

    test('a record is gone once its expiry passes', async () => {
      const codes = adapter('AuthorizationCode');
      await codes.upsert('c1', { jti: 'c1' } as never, 1);
      expect(await codes.find('c1')).toBeDefined();
      await r().pexpire(recordKey('AuthorizationCode', 'c1'), 1); // fast-forward the last second
      const deadline = Date.now() + 2000;
      while ((await codes.find('c1')) !== undefined && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      expect(await codes.find('c1')).toBeUndefined();
    });

    test('models are separate namespaces', async () => {
      await adapter('AccessToken').upsert('same', { kind: 'AccessToken' } as never, 60);
      await adapter('Session').upsert('same', { kind: 'Session', uid: 'x' } as never, 60);
      expect(await adapter('AccessToken').find('same')).toEqual({ kind: 'AccessToken' });
      expect(await adapter('Session').find('same')).toMatchObject({ kind: 'Session' });
    });

    test('destroy removes the record and its indexes', async () => {
      const sessions = adapter('Session');
      await sessions.upsert('s1', { uid: 'uid-1', accountId: 'a' } as never, 60);
      expect(await sessions.findByUid('uid-1')).toMatchObject({ accountId: 'a' });
      await sessions.destroy('s1');
      expect(await sessions.find('s1')).toBeUndefined();
      expect(await sessions.findByUid('uid-1')).toBeUndefined();
      expect(await r().hexists(bucketKey('SessionUids', 'uid-1'), 'uid-1')).toBe(0);
    });
    test('a record no other key names (an interaction, a token) is destroyed with one DEL, unread', async () => {
      await adapter('Interaction').upsert('i9', { uid: 'u9', returnTo: '/auth/i9' } as never, 60);
      await adapter('AccessToken').upsert('at9', { accountId: 'a' } as never, 60);
      const { client, sent } = counted();
      try {
        await new RedisAdapter(client, 'Interaction').destroy('i9');
        await new RedisAdapter(client, 'AccessToken').destroy('at9');
        expect(sent()).toEqual(['del', 'del']);
        expect(await r().exists(recordKey('Interaction', 'i9'))).toBe(0);
        expect(await r().exists(recordKey('AccessToken', 'at9'))).toBe(0);
      } finally {
        client.disconnect();
      }
    });

    test('a session this instance has read is destroyed without reading it again; one it has not, after a read', async () => {
      await adapter('Session').upsert('s7', { uid: 'uid-7', accountId: 'a' } as never, 60);
      await adapter('Session').upsert('s8', { uid: 'uid-8', accountId: 'a' } as never, 60);
      const { client, sent } = counted();
      try {
        const sessions = new RedisAdapter(client, 'Session');
        expect(await sessions.find('s7')).toMatchObject({ uid: 'uid-7' });
        await sessions.destroy('s7');
        expect(sent().filter((name) => name === 'get')).toHaveLength(1); // the find's
        await sessions.destroy('s8');
        expect(sent().filter((name) => name === 'get')).toHaveLength(2);
        for (const [id, uid] of [['s7', 'uid-7'], ['s8', 'uid-8']] as const) {
          expect(await r().exists(recordKey('Session', id))).toBe(0);
          expect(await r().hexists(bucketKey('SessionUids', uid), uid)).toBe(0);
        }
      } finally {
        client.disconnect();
      }
    });

    test("destroying a device code removes its user code's entry", async () => {
      const codes = adapter('DeviceCode');
      await codes.upsert('d1', { userCode: 'ABCD-EFGH', clientId: 'c' } as never, 60);
      expect(await codes.findByUserCode('ABCD-EFGH')).toMatchObject({ clientId: 'c' });
      await codes.destroy('d1');
      expect(await codes.findByUserCode('ABCD-EFGH')).toBeUndefined();
      expect(await r().exists('oidc:UserCode:{ABCD-EFGH}')).toBe(0);
    });
  });

  describe('consume', () => {
    test('marks the record consumed, keeps its payload and expiry', async () => {
      const codes = adapter('AuthorizationCode');
      await codes.upsert('c2', { jti: 'c2', grantId: 'g', nested: { a: [1, 2] }, big: 12345678901234 } as never, 60);
      await codes.consume('c2');
      const found = (await codes.find('c2')) as Record<string, unknown>;
      expect(typeof found.consumed).toBe('number');
      expect(Math.abs((found.consumed as number) - Date.now() / 1000)).toBeLessThan(5);
      expect(found).toMatchObject({ jti: 'c2', grantId: 'g', nested: { a: [1, 2] }, big: 12345678901234 });
      expect(await ttlOf(recordKey('AuthorizationCode', 'c2'))).toBeGreaterThan(50);
    });

    test('is atomic: of many concurrent consumers, the record ends consumed once and intact', async () => {
      const codes = adapter('AuthorizationCode');
      await codes.upsert('c3', { jti: 'c3' } as never, 60);
      await Promise.all(Array.from({ length: 50 }, () => codes.consume('c3')));
      const raw = await r().get(recordKey('AuthorizationCode', 'c3'));
      expect(() => JSON.parse(raw!)).not.toThrow();
      expect(JSON.parse(raw!).jti).toBe('c3');
      expect(typeof JSON.parse(raw!).consumed).toBe('number');
    });

    test('consuming a missing record creates nothing', async () => {
      await adapter('AuthorizationCode').consume('nope');
      expect(await r().exists(recordKey('AuthorizationCode', 'nope'))).toBe(0);
    });
  });

  describe('lookups', () => {
    test('findByUid and findByUserCode', async () => {
      await adapter('Session').upsert('s2', { uid: 'uid-2', accountId: 'b' } as never, 60);
      expect(await adapter('Session').findByUid('uid-2')).toMatchObject({ accountId: 'b' });
      expect(await ttlOf(bucketKey('SessionUids', 'uid-2'))).toBeGreaterThan(50);
      await adapter('DeviceCode').upsert('d1', { userCode: 'ABCD-EFGH', grantId: 'g' } as never, 60);
      expect(await adapter('DeviceCode').findByUserCode('ABCD-EFGH')).toMatchObject({ userCode: 'ABCD-EFGH' });
      expect(await adapter('DeviceCode').findByUserCode('NOPE')).toBeUndefined();
    });
  });

  describe('grants', () => {
    test('revokeByGrantId revokes every token of the grant and nothing else', async () => {
      await adapter('Grant').upsert('g1', { jti: 'g1', accountId: 'a' } as never, 3600);
      await adapter('Grant').upsert('g2', { jti: 'g2', accountId: 'a' } as never, 3600);
      await adapter('AccessToken').upsert('at1', { grantId: 'g1' } as never, 60);
      await adapter('AccessToken').upsert('at2', { grantId: 'g1' } as never, 60);
      await adapter('RefreshToken').upsert('rt1', { grantId: 'g1' } as never, 600);
      await adapter('AuthorizationCode').upsert('ac1', { grantId: 'g1' } as never, 60);
      await adapter('AccessToken').upsert('other', { grantId: 'g2' } as never, 60);

      await adapter('AccessToken').revokeByGrantId('g1');

      for (const [model, id] of [['AccessToken', 'at1'], ['AccessToken', 'at2'], ['RefreshToken', 'rt1'], ['AuthorizationCode', 'ac1']] as const) {
        expect(await adapter(model).find(id)).toBeUndefined();
      }
      expect(await adapter('AccessToken').find('other')).toEqual({ grantId: 'g2' });
      expect(await adapter('Grant').find('g1')).toBeDefined(); // oidc-provider destroys the grant itself
      // The other models' revocations find the tokens revoked already.
      await adapter('RefreshToken').revokeByGrantId('g1');
      expect(await adapter('RefreshToken').find('rt1')).toBeUndefined();
    });

    test('a token issued after the revocation works (the grant was read first, as oidc-provider does)', async () => {
      await adapter('Grant').upsert('g6', { jti: 'g6' } as never, 3600);
      await adapter('AccessToken').upsert('before', { grantId: 'g6' } as never, 60);
      await adapter('AccessToken').revokeByGrantId('g6');
      expect(await adapter('Grant').find('g6')).toBeDefined();
      await adapter('AccessToken').upsert('after', { grantId: 'g6' } as never, 60);
      expect(await adapter('AccessToken').find('after')).toEqual({ grantId: 'g6' });
      expect(await adapter('AccessToken').find('before')).toBeUndefined();
      // A later revocation takes the new one too.
      await adapter('AccessToken').revokeByGrantId('g6');
      expect(await adapter('AccessToken').find('after')).toBeUndefined();
    });

    test("another instance's revocation: a token it issues with the mark read before stays revoked", async () => {
      // Two "instances": clients of their own, each with its own memory of the marks it read.
      const other = duplicate();
      try {
        await adapter('Grant').upsert('g7', { jti: 'g7' } as never, 3600);
        expect(await adapter('Grant').find('g7')).toBeDefined(); // this instance reads the grant: no mark
        await new RedisAdapter(other, 'AccessToken').revokeByGrantId('g7');
        await adapter('AccessToken').upsert('stale', { grantId: 'g7' } as never, 60);
        expect(await adapter('AccessToken').find('stale')).toBeUndefined();
        expect(await new RedisAdapter(other, 'AccessToken').find('stale')).toBeUndefined();
      } finally {
        other.disconnect();
      }
    });

    test('issuing a token is one SET, after the read of its grant (one MGET); a grant never revoked has no mark', async () => {
      const { client, sent } = counted();
      try {
        await adapter('Grant').upsert('g5', { jti: 'g5' } as never, 3600);
        expect(await new RedisAdapter(client, 'Grant').find('g5')).toBeDefined();
        await new RedisAdapter(client, 'AccessToken').upsert('one', { grantId: 'g5' } as never, 600);
        expect(sent()).toEqual(['mget', 'set']);
        expect(await r().exists(revocationKey('g5'))).toBe(0);
      } finally {
        client.disconnect();
      }
    });

    test("a token's check reads its grant, which the same request's read of the grant then takes without a command", async () => {
      await adapter('Grant').upsert('g8', { jti: 'g8', accountId: 'a' } as never, 3600);
      await adapter('AccessToken').upsert('at8', { grantId: 'g8' } as never, 60);
      const { client, sent } = counted();
      const request = {};
      try {
        const inRequest = (model: string) => new RedisAdapter(client, model, () => request);
        expect(await inRequest('AccessToken').find('at8')).toEqual({ grantId: 'g8' });
        expect(await inRequest('Grant').find('g8')).toMatchObject({ accountId: 'a' });
        expect(sent()).toEqual(['get', 'mget']);
        // Taken once: a second read goes to Redis, and so does every read outside a request.
        expect(await inRequest('Grant').find('g8')).toMatchObject({ accountId: 'a' });
        expect(await new RedisAdapter(client, 'Grant').find('g8')).toMatchObject({ accountId: 'a' });
        expect(sent()).toEqual(['get', 'mget', 'mget', 'mget']);
      } finally {
        client.disconnect();
      }
    });

    test('a revocation mark expires with its grant, and follows it when the grant is saved for longer', async () => {
      await adapter('Grant').upsert('g3', { jti: 'g3' } as never, 600);
      await adapter('AccessToken').revokeByGrantId('g3');
      const ttl = await ttlOf(revocationKey('g3'));
      expect(ttl).toBeGreaterThan(590);
      expect(ttl).toBeLessThanOrEqual(600);
      await adapter('Grant').upsert('g3', { jti: 'g3' } as never, 3600);
      expect(await ttlOf(revocationKey('g3'))).toBeGreaterThan(3590);
      // Revoking the tokens of a grant that is gone leaves nothing behind.
      await adapter('AccessToken').revokeByGrantId('gone');
      expect(await r().exists(revocationKey('gone'))).toBe(0);
    });

    test('destroying a grant removes its mark', async () => {
      await adapter('Grant').upsert('g4', { jti: 'g4' } as never, 60);
      await adapter('AccessToken').revokeByGrantId('g4');
      expect(await r().exists(revocationKey('g4'))).toBe(1);
      await adapter('Grant').destroy('g4');
      expect(await r().exists(recordKey('Grant', 'g4'))).toBe(0);
      expect(await r().exists(revocationKey('g4'))).toBe(0);
    });

    test('a grant and its revocation mark share a hash slot (one MGET, one script on Redis Cluster)', () => {
      const tag = (key: string) => key.match(/\{([^}]*)\}/)?.[1];
      expect(tag(recordKey('Grant', 'abc'))).toBe('abc');
      expect(tag(revocationKey('abc'))).toBe('abc');
    });
  });
}
