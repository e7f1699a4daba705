/**
 * Redis memory per signed-in user. One session and grant are made through the real pages; then `users` more
 * are written the way the adapter writes them (the same model shapes, key layout and expiries, through
 * RedisAdapter itself, with fresh ids), which is what 100,000 sign-ins leave behind, without 100,000 argon2 runs.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AdapterPayload } from 'oidc-provider';
import { RedisAdapter } from '../src/storage/redis-adapter.js';
import { createRedis } from '../src/storage/redis.js';
import { makeSessions } from './load.js';
import type { Target } from './targets.js';

const id = () => randomBytes(32).toString('base64url').slice(0, 43);

async function usedMemory(redis: Redis): Promise<number> {
  return Number((await redis.info('memory')).match(/^used_memory:(\d+)/m)?.[1] ?? 0);
}

async function oneRecord(redis: Redis, model: string): Promise<{ payload: AdapterPayload; ttl: number }> {
  const [key] = (await redis.keys(`oidc:${model}:{*}`)).filter((k) => !k.endsWith(':tokens'));
  if (!key) throw new Error(`no ${model} record in Redis after a sign-in`);
  return { payload: JSON.parse((await redis.get(key))!) as AdapterPayload, ttl: await redis.ttl(key) };
}

export async function measureMemory(target: Target, redisUrl: string, redis: Redis, users: number) {
  await makeSessions(target, 1);
  const session = await oneRecord(redis, 'Session');
  const grant = await oneRecord(redis, 'Grant');
  const writer = createRedis({ mode: 'standalone', url: redisUrl, keyPrefix: '' }, 'bench-memory');
  await writer.connect();
  const sessions = new RedisAdapter(writer, 'Session');
  const grants = new RedisAdapter(writer, 'Grant');
  const before = await usedMemory(redis);
  const keysBefore = await redis.dbsize();
  const clientId = Object.keys((session.payload.authorizations ?? {}) as object)[0]!;
  const batch = 1000;
  for (let done = 0; done < users; done += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, users - done) }, async () => {
        const grantId = id();
        const sessionId = id();
        await grants.upsert(grantId, { ...grant.payload, jti: grantId }, grant.ttl);
        await sessions.upsert(sessionId, { ...session.payload, jti: sessionId, uid: id(), authorizations: { [clientId]: { sid: id(), grantId } } }, session.ttl);
      }),
    );
  }
  const after = await usedMemory(redis);
  const keysAfter = await redis.dbsize();
  writer.disconnect();
  const bytesPerUser = (after - before) / users;
  return {
    users,
    written: 'through RedisAdapter with the shapes of a real sign-in (one session made through the pages)',
    keysPerUser: (keysAfter - keysBefore) / users,
    bytesPerUser: Math.round(bytesPerUser),
    mibPer100kUsers: Math.round(((bytesPerUser * 100_000) / 1048576) * 10) / 10,
    sessionBytes: JSON.stringify(session.payload).length,
    grantBytes: JSON.stringify(grant.payload).length,
  };
}
