/**
 * Redis memory per signed-in user. One person signs in through the real pages; then `users` more are written the
 * way that sign-in left its records (the same model shapes, key layout and expiries, through RedisAdapter itself,
 * each with its own account and fresh ids), which is what 100,000 sign-ins leave behind, without 100,000 argon2
 * runs. Each synthetic user has every key the real sign-in left that lives as long as the session or the grant;
 * the access token and its grant's token index live an hour (reported in `perSignIn`, not mirrored).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AdapterPayload } from 'oidc-provider';
import { RedisAdapter } from '../src/storage/redis-adapter.js';
import { createRedis } from '../src/storage/redis.js';
import { makeSessions } from './load.js';
import type { Target } from './targets.js';
import { epochSeconds } from '../src/time.js';

const id = () => randomBytes(32).toString('base64url').slice(0, 43);
/** Account ids as the users store makes them (32 hex digits). */
const accountId = () => randomBytes(16).toString('hex');

async function usedMemory(redis: Redis): Promise<number> {
  return Number((await redis.info('memory')).match(/^used_memory:(\d+)/m)?.[1] ?? 0);
}

/** Every key the sign-in left in oidc-provider's namespace, ids replaced by `*`: what one signed-in user costs. */
async function keysOfOneSignIn(redis: Redis): Promise<Record<string, { bytes: number; ttl: number; encoding: string }>> {
  const found: Record<string, { bytes: number; ttl: number; encoding: string }> = {};
  for (const key of (await redis.keys('oidc:*')).sort()) {
    const bytes = Number(await redis.memory('USAGE', key));
    found[key.replace(/\{[^}]*\}/, '{*}')] = { bytes, ttl: await redis.ttl(key), encoding: String(await redis.object('ENCODING', key)) };
  }
  return found;
}

export async function measureMemory(target: Target, redisUrl: string, redis: Redis, users: number) {
  await makeSessions(target, 1);
  const perSignIn = await keysOfOneSignIn(redis);
  const writer = createRedis({ mode: 'standalone', url: redisUrl, keyPrefix: '' }, 'bench-memory');
  await writer.connect();
  const sessions = new RedisAdapter(writer, 'Session');
  const grants = new RedisAdapter(writer, 'Grant');
  const [sessionKey] = await redis.keys('oidc:Session:{*}');
  const sessionId = sessionKey!.slice('oidc:Session:{'.length, -1);
  const session = (await sessions.find(sessionId))!;
  const ttl = await redis.ttl(sessionKey!);
  const [clientId, authorization] = Object.entries(session.authorizations as Record<string, { grantId: string }>)[0]!;
  const grant = (await grants.find(authorization.grantId))!;
  const grantTtl = typeof grant.exp === 'number' ? grant.exp - epochSeconds() : ttl;

  const before = await usedMemory(redis);
  const keysBefore = await redis.dbsize();
  const batch = 1000;
  for (let done = 0; done < users; done += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, users - done) }, async () => {
        const account = accountId();
        const grantId = id();
        const jti = id();
        const newGrant: AdapterPayload = { ...grant, jti: grantId, accountId: account };
        await grants.upsert(grantId, newGrant, grantTtl);
        await sessions.upsert(jti, { ...session, jti, uid: id(), accountId: account, authorizations: { [clientId]: { sid: id(), grantId } } }, ttl);
      }),
    );
  }
  const after = await usedMemory(redis);
  const keysAfter = await redis.dbsize();
  writer.disconnect();
  const bytesPerUser = (after - before) / users;
  return {
    users,
    written: 'through RedisAdapter with the shapes of a real sign-in (one made through the pages), one account per user',
    keysPerUser: (keysAfter - keysBefore) / users,
    bytesPerUser: Math.round(bytesPerUser),
    mibPer100kUsers: Math.round(((bytesPerUser * 100_000) / 1048576) * 10) / 10,
    perSignIn,
  };
}
