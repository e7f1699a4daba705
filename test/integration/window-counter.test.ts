/** The rate-limit windows on a real redis-server and in memory: the same counts, atomic, and never kept past a window. */
import { describe, expect, test } from '@jest/globals';
import { RateLimit, type WindowCounter } from '../../src/limits/rate-limit.js';
import { MemoryWindowCounter } from '../../src/limits/memory-window-counter.js';
import { RedisWindowCounter, windowKey } from '../../src/limits/redis-window-counter.js';
import { useTestRedis } from '../support/test-redis.js';

const testRedis = useTestRedis();

function contract(name: string, counter: () => WindowCounter) {
  describe(name, () => {
    test('counts each hit once, even when they arrive together; the window ends no later than its length', async () => {
      const hits = await Promise.all(Array.from({ length: 50 }, () => counter().hit(`${name}:together`, 60)));
      expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      for (const { resetIn } of hits) {
        expect(resetIn).toBeGreaterThan(0);
        expect(resetIn).toBeLessThanOrEqual(60);
      }
    });

    test('a RateLimit lets `limit` through, then answers the rest of the window; keys count apart', async () => {
      const limit = new RateLimit(counter(), `${name}-limit`, { limit: 2, windowSeconds: 30 });
      expect(await limit.take('a')).toBe(0);
      expect(await limit.take('a')).toBe(0);
      const wait = await limit.take('a');
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(30);
      expect(await limit.take('b')).toBe(0);
    });
  });
}

contract('redis', () => new RedisWindowCounter(testRedis.redis()));
contract('memory', (() => {
  const shared = new MemoryWindowCounter();
  return () => shared;
})());

describe('redis windows expire', () => {
  test('the counter key carries the window as its expiry, from the first hit', async () => {
    const counter = new RedisWindowCounter(testRedis.redis());
    await counter.hit('expiring', 45);
    const ttl = await testRedis.redis().ttl(windowKey('expiring'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(45);
  });

  test('a counter left without an expiry gets one at its next hit (it can never stay for good)', async () => {
    await testRedis.redis().set(windowKey('stray'), '7');
    const hit = await new RedisWindowCounter(testRedis.redis()).hit('stray', 20);
    expect(hit).toEqual({ count: 8, resetIn: 20 });
    expect(await testRedis.redis().ttl(windowKey('stray'))).toBeGreaterThan(0);
  });
});

describe('memory windows', () => {
  test('a window starts over once it has ended', async () => {
    let now = 1_000_000;
    const counter = new MemoryWindowCounter(() => now);
    expect(await counter.hit('k', 10)).toEqual({ count: 1, resetIn: 10 });
    now += 4_000;
    expect(await counter.hit('k', 10)).toEqual({ count: 2, resetIn: 6 });
    now += 6_000;
    expect(await counter.hit('k', 10)).toEqual({ count: 1, resetIn: 10 });
  });
});
