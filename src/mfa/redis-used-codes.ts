/** The replay set on Redis: one SET NX EX per accepted code, gone once its step is out of every window. */
import type { RedisClient } from '../storage/redis.js';
import type { UsedCodes } from './used-codes.js';

export class RedisUsedCodes implements UsedCodes {
  constructor(private readonly redis: RedisClient) {}

  async claim(sub: string, step: number, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(`mfa:used:{${sub}}:${step}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }
}
