/** Rate-limit windows in Redis: one counter key per limited key, counted and given its expiry in one script. */
import type { WindowCounter, WindowHits } from './rate-limit.js';
import type { RedisClient } from '../storage/redis.js';

// INCR and EXPIRE together: a counter never outlives its window, even if a client dies between the two.
const HIT = `local n = redis.call('INCR', KEYS[1])
local t = redis.call('TTL', KEYS[1])
if n == 1 or t < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  t = tonumber(ARGV[1])
end
return {n, t}`;

type WithHit = RedisClient & { rateLimitHit(key: string, windowSeconds: number): Promise<[number, number]> };

function withHit(redis: RedisClient): WithHit {
  if (!('rateLimitHit' in redis)) redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT });
  return redis as WithHit;
}

export const windowKey = (key: string) => `ratelimit:{${key}}`;

export class RedisWindowCounter implements WindowCounter {
  readonly #redis: WithHit;

  constructor(redis: RedisClient) {
    this.#redis = withHit(redis);
  }

  async hit(key: string, windowSeconds: number): Promise<WindowHits> {
    const [count, resetIn] = await this.#redis.rateLimitHit(windowKey(key), windowSeconds);
    return { count: Number(count), resetIn: Number(resetIn) };
  }
}
