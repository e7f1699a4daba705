import type { AttemptRecord, AttemptStore } from '../accounts/throttle.js';
import type { RedisClient } from './redis.js';

/** Failure counts as one small hash per key, written in one MULTI and expiring a window after the last failure. */
export class RedisAttempts implements AttemptStore {
  constructor(private readonly redis: RedisClient) {}

  #key(key: string): string {
    return `throttle:{${key}}`;
  }

  /** Redis expires the record itself, so `now` is not needed here. */
  async read(key: string): Promise<AttemptRecord | undefined> {
    const [failures, last] = await this.redis.hmget(this.#key(key), 'failures', 'last');
    if (failures === null || last === null) return undefined;
    return { failures: Number(failures), last: Number(last) };
  }

  async fail(key: string, now: number, windowMs: number): Promise<void> {
    const k = this.#key(key);
    await this.redis.multi().hincrby(k, 'failures', 1).hset(k, 'last', now).pexpire(k, windowMs).exec();
  }

  async clear(key: string): Promise<void> {
    await this.redis.del(this.#key(key));
  }
}
