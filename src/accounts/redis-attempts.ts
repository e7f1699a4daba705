/**
 * Failure counts as one small hash per bucket (failures, last, seq), expiring a window after the last failure. A
 * reservation is one script, so checking the wait and counting the failure are one step: parallel attempts queue.
 * Each script names one key, so the account's and the address's buckets may live on different Cluster slots.
 */
import type { AttemptStore, Reserved, Slot, ThrottlePolicy } from './throttle.js';
import type { RedisClient } from '../storage/redis.js';

// The wait is throttle.ts's waitMs: `free` failures go through, then firstDelay doubling up to maxDelay, from the last.
// ARGV: now, free, first delay ms, max delay ms, window ms. Answers {1, previous last, seq} or {0, wait ms}.
const RESERVE = `
local record = redis.call('HMGET', KEYS[1], 'failures', 'last', 'seq')
local failures = tonumber(record[1]) or 0
local last = tonumber(record[2]) or 0
local now = tonumber(ARGV[1])
local free = tonumber(ARGV[2])
if failures >= free then
  local until_ms = last + math.min(tonumber(ARGV[3]) * 2 ^ (failures - free), tonumber(ARGV[4]))
  if until_ms > now then return {0, until_ms - now} end
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 'failures', failures + 1, 'last', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1, last, seq}`;

// ARGV: the slot's seq and previous last. A bucket cleared (and perhaps begun again) since holds nothing of the slot.
const REFUND = `
local record = redis.call('HMGET', KEYS[1], 'failures', 'seq')
local failures = tonumber(record[1])
local seq = tonumber(record[2]) or 0
if not failures or seq < tonumber(ARGV[1]) then return 0 end
if failures <= 1 then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'failures', failures - 1)
if seq == tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'last', ARGV[2]) end
return 1`;

interface AttemptCommands {
  throttleReserve(key: string, now: number, free: number, firstDelayMs: number, maxDelayMs: number, windowMs: number): Promise<[number, number, number?]>;
  throttleRefund(key: string, seq: number, previousLast: number): Promise<number>;
}

function withCommands(redis: RedisClient): RedisClient & AttemptCommands {
  if (!('throttleReserve' in redis)) {
    redis.defineCommand('throttleReserve', { numberOfKeys: 1, lua: RESERVE });
    redis.defineCommand('throttleRefund', { numberOfKeys: 1, lua: REFUND });
  }
  return redis as RedisClient & AttemptCommands;
}

export class RedisAttempts implements AttemptStore {
  readonly #redis: RedisClient & AttemptCommands;

  constructor(redis: RedisClient) {
    this.#redis = withCommands(redis);
  }

  #key(key: string): string {
    return `throttle:{${key}}`;
  }

  async reserve(key: string, policy: ThrottlePolicy, now: number): Promise<Reserved> {
    const [taken, value, seq] = await this.#redis.throttleReserve(this.#key(key), now, policy.free, policy.firstDelay * 1000, policy.maxDelay * 1000, policy.window * 1000);
    return taken ? { slot: { key, at: now, previousLast: value, seq: seq! } } : { waitMs: value };
  }

  async refund(slot: Slot): Promise<void> {
    await this.#redis.throttleRefund(this.#key(slot.key), slot.seq, slot.previousLast);
  }

  async clear(key: string): Promise<void> {
    await this.#redis.del(this.#key(key));
  }
}
