/** One contract for the throttle's stores: the Redis scripts on a real redis-server, and the memory twin, answer alike. */
import { beforeEach, describe, expect, test } from '@jest/globals';
import { ACCOUNT_POLICY, delayAfter, type AttemptStore, type Reserved, type Slot } from '../../src/accounts/throttle.js';
import { MemoryAttempts } from '../../src/accounts/memory-attempts.js';
import { RedisAttempts } from '../../src/accounts/redis-attempts.js';
import { useTestRedis } from '../support/test-redis.js';

const t0 = 1_700_000_000_000;
const policy = { free: 2, firstDelay: 10, maxDelay: 40, window: 60 };

function slotOf(reserved: Reserved): Slot {
  if (!('slot' in reserved)) throw new Error(`expected a slot, got a wait of ${reserved.waitMs} ms`);
  return reserved.slot;
}

function attemptsContract(name: string, open: () => AttemptStore, clear: () => Promise<void>) {
  describe(name, () => {
    let store: AttemptStore;
    beforeEach(async () => {
      await clear();
      store = open();
    });

    test('each reservation counts at once; past `free` the wait is answered and nothing counted', async () => {
      expect(await store.reserve('k', policy, t0)).toEqual({ slot: { key: 'k', at: t0, previousLast: 0, seq: 1 } });
      expect(await store.reserve('k', policy, t0 + 5)).toEqual({ slot: { key: 'k', at: t0 + 5, previousLast: t0, seq: 2 } });
      expect(await store.reserve('k', policy, t0 + 6)).toEqual({ waitMs: 9_999 });
      expect(await store.reserve('k', policy, t0 + 10_005)).toMatchObject({ slot: { seq: 3 } });
      expect(await store.reserve('k', policy, t0 + 10_005)).toEqual({ waitMs: 20_000 });
      expect(await store.reserve('other', policy, t0)).toMatchObject({ slot: { seq: 1 } });
    });

    test('the wait doubles from firstDelay and stops at maxDelay, as delayAfter says', async () => {
      let now = t0;
      const waits: number[] = [];
      for (let i = 0; i < 8; i++) {
        const reserved = await store.reserve('k', policy, now);
        if ('waitMs' in reserved) {
          waits.push(reserved.waitMs);
          now += reserved.waitMs;
          slotOf(await store.reserve('k', policy, now));
        }
      }
      expect(waits).toEqual([10_000, 20_000, 40_000, 40_000, 40_000, 40_000]);
      expect(waits).toEqual([2, 3, 4, 5, 6, 7].map((failures) => delayAfter(failures, policy) * 1000));
    });

    test('100 concurrent reservations: exactly `free` slots, the other 95 wait', async () => {
      const answers = await Promise.all(Array.from({ length: 100 }, () => store.reserve('k', ACCOUNT_POLICY, t0)));
      expect(answers.filter((a) => 'slot' in a).map((a) => slotOf(a).seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
      expect(answers.filter((a) => 'waitMs' in a && a.waitMs === 2_000)).toHaveLength(95);
    });

    test('a refund undoes its slot: one failure fewer, and the last failure before it when none came since', async () => {
      await store.reserve('k', policy, t0);
      await store.reserve('k', policy, t0 + 1);
      const third = slotOf(await store.reserve('k', policy, t0 + 10_001));
      expect(await store.reserve('k', policy, t0 + 10_002)).toEqual({ waitMs: 19_999 });
      await store.refund(third);
      expect(await store.reserve('k', policy, t0 + 10_002)).toEqual({ slot: { key: 'k', at: t0 + 10_002, previousLast: t0 + 1, seq: 4 } });
    });

    test("a refund under a later slot keeps that slot's time; refunding every slot forgets the bucket", async () => {
      const first = slotOf(await store.reserve('k', policy, t0));
      const second = slotOf(await store.reserve('k', policy, t0 + 7));
      await store.refund(first);
      expect(await store.reserve('k', policy, t0 + 8)).toEqual({ slot: { key: 'k', at: t0 + 8, previousLast: t0 + 7, seq: 3 } });
      await store.refund(second);
      await store.refund({ ...second, seq: 3, previousLast: t0 + 7 });
      expect(await store.reserve('k', policy, t0 + 9)).toEqual({ slot: { key: 'k', at: t0 + 9, previousLast: 0, seq: 1 } });
    });

    test('a refund to a bucket cleared since changes nothing, even once the bucket has begun again', async () => {
      await store.reserve('k', policy, t0);
      const second = slotOf(await store.reserve('k', policy, t0));
      await store.clear('k');
      await store.reserve('k', policy, t0 + 1);
      await store.refund(second);
      await store.reserve('k', policy, t0 + 2);
      expect(await store.reserve('k', policy, t0 + 3)).toEqual({ waitMs: 9_999 });
    });
  });
}

const redis = useTestRedis();
attemptsContract('RedisAttempts', () => new RedisAttempts(redis.redis()), () => redis.clear());
attemptsContract('MemoryAttempts', () => new MemoryAttempts(), async () => {});

describe('RedisAttempts only', () => {
  beforeEach(() => redis.clear());

  test('a record expires a window after its last failure (Redis keeps the time)', async () => {
    const store = new RedisAttempts(redis.redis());
    await store.reserve('k', policy, Date.now());
    const ttl = await redis.redis().pttl('throttle:{k}');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  test('a record written before reservations had a seq still counts', async () => {
    await redis.redis().hset('throttle:{k}', { failures: 2, last: t0 });
    const store = new RedisAttempts(redis.redis());
    expect(await store.reserve('k', policy, t0 + 1)).toEqual({ waitMs: 9_999 });
    expect(await store.reserve('k', policy, t0 + 10_000)).toEqual({ slot: { key: 'k', at: t0 + 10_000, previousLast: t0, seq: 1 } });
  });
});
