/** oidc-provider's consume of a record (a code, a refresh token) in one Redis command, with the record's TTL kept. */
import type { RedisClient } from './redis.js';

// Marks a record consumed without re-encoding it: a later duplicate key wins in JSON.parse, and the TTL stays.
const CONSUME = `
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
redis.call('SET', KEYS[1], string.sub(value, 1, -2) .. ',"consumed":' .. ARGV[1] .. '}', 'KEEPTTL')
return 1`;

export type WithConsume = RedisClient & { oidcConsume(key: string, now: number): Promise<number> };

export function withConsume(redis: RedisClient): WithConsume {
  if (!('oidcConsume' in redis)) redis.defineCommand('oidcConsume', { numberOfKeys: 1, lua: CONSUME });
  return redis as WithConsume;
}
