/** Pending upstream sign-ins on Redis: SET EX, GETDEL (taken once, atomically), INCR with its expiry set on first use. */
import type { RedisClient } from '../storage/redis.js';
import type { PendingStore } from './pending-sign-ins.js';

export class RedisPending implements PendingStore {
  constructor(private readonly redis: RedisClient) {}

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }

  async take(key: string): Promise<string | undefined> {
    return (await this.redis.getdel(key)) ?? undefined;
  }

  async count(key: string, ttlSeconds: number): Promise<number> {
    const [[, n]] = (await this.redis.multi().incr(key).expire(key, ttlSeconds, 'NX').exec()) as [[unknown, number], unknown];
    return n;
  }
}
