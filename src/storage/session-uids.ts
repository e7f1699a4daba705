/**
 * Session uid → session id (oidc-provider's `Session.findByUid`, used by every interaction and session-bound
 * token), kept as fields of 4,096 small hashes, the bucket named by the uid's first two characters, rather than
 * a key per session: a key costs ~230 bytes with its expiry, a field of a small hash (listpack) ~100. A field is
 * `<sessionId> <expiresAt>` (epoch seconds). A hash has no expiry per field (Redis 7.0), so one write in
 * TRIM_EVERY also drops the expired fields of the bucket it writes to, and a bucket expires with its longest-lived
 * session (`EXPIRE … NX`, then `GT`): it holds its live sessions plus those expired since its last trim.
 * 4,096 buckets keep the listpack encoding (≤ 128 fields) up to ~500,000 live sessions; beyond, a field of a
 * larger hash still costs less than a key.
 *
 * Sessions written before this layout have a key of their own, `oidc:SessionUid:{uid}`: read when the bucket
 * has no field for the uid and deleted with the session, until they expire with it.
 */
import type { RedisClient } from './redis.js';

export const uidBucketKey = (uid: string) => `oidc:SessionUids:{${uid.slice(0, 2)}}`;
export const legacyUidKey = (uid: string) => `oidc:SessionUid:{${uid}}`;

/** One uid write in this many also trims its bucket. */
export const TRIM_EVERY = 8;

const TRIM = `
local now = tonumber(ARGV[1])
local fields = redis.call('HGETALL', KEYS[1])
local dropped = 0
for i = 1, #fields, 2 do
  local exp = tonumber(string.match(fields[i + 1], ' (%d+)$'))
  if exp and exp <= now then
    redis.call('HDEL', KEYS[1], fields[i])
    dropped = dropped + 1
  end
end
return dropped`;

type WithTrim = RedisClient & { oidcTrimUids(key: string, now: number): Promise<number> };

export function withUidTrim(redis: RedisClient): WithTrim {
  if (!('oidcTrimUids' in redis)) redis.defineCommand('oidcTrimUids', { numberOfKeys: 1, lua: TRIM });
  return redis as WithTrim;
}

const epochSeconds = () => Math.floor(Date.now() / 1000);

export class SessionUids {
  readonly #redis: WithTrim;
  #writes = 0;

  constructor(redis: RedisClient) {
    this.#redis = withUidTrim(redis);
  }

  /** The writes that point `uid` at `sessionId` for `ttl` seconds (none: until deleted), for the caller to await with its own. */
  set(uid: string, sessionId: string, ttl: number | undefined): Promise<unknown>[] {
    const redis = this.#redis;
    const bucket = uidBucketKey(uid);
    const now = epochSeconds();
    const writes: Promise<unknown>[] = [redis.hset(bucket, uid, ttl ? `${sessionId} ${now + ttl}` : sessionId)];
    if (ttl) writes.push(redis.expire(bucket, ttl, 'NX'), redis.expire(bucket, ttl, 'GT'));
    else writes.push(redis.persist(bucket));
    if (++this.#writes % TRIM_EVERY === 0) writes.push(redis.oidcTrimUids(bucket, now));
    return writes;
  }

  async get(uid: string): Promise<string | undefined> {
    const field = await this.#redis.hget(uidBucketKey(uid), uid);
    if (field === null) return (await this.#redis.get(legacyUidKey(uid))) ?? undefined;
    const [sessionId, exp] = field.split(' ');
    return exp !== undefined && Number(exp) <= epochSeconds() ? undefined : sessionId;
  }

  delete(uid: string): Promise<unknown>[] {
    return [this.#redis.hdel(uidBucketKey(uid), uid), this.#redis.del(legacyUidKey(uid))];
  }
}
