/** Client records kept in memory, dropped on every instance when any of them changes one (real Redis, two connections). */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { CachedCollection } from '../../src/storage/cached-collection.js';
import { createRedis, type RedisClient } from '../../src/storage/redis.js';
import { RedisCollection } from '../../src/storage/redis-collection.js';
import { describeWithOwnRedis } from '../support/describe-if.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

interface Rec {
  name: string;
}

let server: TestRedis;
const connections: RedisClient[] = [];
const caches: CachedCollection<Rec>[] = [];

beforeAll(async () => {
  server = await startTestRedis();
});

afterAll(async () => {
  for (const cache of caches) cache.close();
  for (const redis of connections) redis.disconnect();
  await server?.close();
});

/** One instance's view: its own connection and cache, as each server process has. */
function instance(): { cache: CachedCollection<Rec>; raw: RedisCollection<Rec> } {
  const redis = new Redis(server.url, { keyPrefix: server.prefix });
  connections.push(redis);
  const raw = new RedisCollection<Rec>(redis, 'clients');
  const cache = new CachedCollection<Rec>(raw, redis, 'clients', server.prefix);
  caches.push(cache);
  return { cache, raw };
}


/** Resolves when the cache drops its copy of `id` (an announcement heard). */
async function dropOf(cache: CachedCollection<Rec>, id: string): Promise<void> {
  for (;;) {
    const [dropped] = (await once(cache, 'invalidated')) as [string | undefined];
    if (dropped === id) return;
  }
}

describe('CachedCollection', () => {
  test('a record once read is served from memory; a change made through another instance reaches this one', async () => {
    const a = instance();
    const b = instance();
    await b.cache.insert('c1', { name: 'first' });
    await a.cache.listening();
    expect(await a.cache.get('c1')).toEqual({ name: 'first' });
    // A write behind the cache's back (not announced) goes unseen: the copy is served from memory.
    await a.raw.replace('c1', { name: 'behind its back' });
    expect(await a.cache.get('c1')).toEqual({ name: 'first' });

    let dropped = dropOf(a.cache, 'c1');
    await b.cache.replace('c1', { name: 'second' });
    await dropped;
    expect(await a.cache.get('c1')).toEqual({ name: 'second' });

    dropped = dropOf(a.cache, 'c1');
    await b.cache.remove('c1');
    await dropped;
    expect(await a.cache.get('c1')).toBeUndefined();
  });

  test('a refused compare-and-replace drops the stale copy, so the retry reads what is stored', async () => {
    const a = instance();
    await a.cache.insert('c2', { name: 'v1' });
    await a.cache.get('c2');
    await a.raw.replace('c2', { name: 'v2' });
    expect(await a.cache.compareAndReplace('c2', { name: 'v1' }, { name: 'v3' })).toBe(false);
    const fresh = (await a.cache.get('c2'))!;
    expect(fresh).toEqual({ name: 'v2' });
    expect(await a.cache.compareAndReplace('c2', fresh, { name: 'v3' })).toBe(true);
    expect(await a.raw.get('c2')).toEqual({ name: 'v3' });
  });

  test("on the server's own connection (lazy, no offline queue) a record is kept once read", async () => {
    const redis = createRedis({ mode: 'standalone', url: server.url, keyPrefix: server.prefix });
    connections.push(redis);
    await redis.connect();
    const raw = new RedisCollection<Rec>(redis, 'clients');
    const cache = new CachedCollection<Rec>(raw, redis, 'clients', server.prefix);
    caches.push(cache);
    await cache.insert('c3', { name: 'kept' });
    await cache.listening();
    expect(await cache.get('c3')).toEqual({ name: 'kept' });
    await raw.replace('c3', { name: 'behind its back' });
    expect(await cache.get('c3')).toEqual({ name: 'kept' });
  });

  describeWithOwnRedis('the test restarts Redis')('Redis restarts', () => {
    test('after Redis restarts (twice, the second time as it comes back), an instance subscribes again, without an unhandled rejection', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => void unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const a = instance();
        const b = instance();
        await a.cache.insert('c4', { name: 'before' });
        await a.cache.listening();
        expect(await a.cache.get('c4')).toEqual({ name: 'before' });
        await server.stop();
        await server.start();
        await server.stop(); // again, while the connections are getting ready
        await server.start();
        // This test Redis keeps nothing on disk: what comes back is empty. Wait until `a` hears announcements again.
        for (;;) {
          const heard = dropOf(a.cache, 'probe');
          await b.cache.insert('probe', { name: 'p' }).catch(() => undefined);
          const outcome = await Promise.race([heard.then(() => 'heard'), new Promise((r) => setTimeout(r, 200, 'not yet'))]);
          await b.raw.remove('probe').catch(() => undefined);
          if (outcome === 'heard') break;
        }
        await b.cache.insert('c4', { name: 'after' });
        expect(await a.cache.get('c4')).toEqual({ name: 'after' });
        const dropped = dropOf(a.cache, 'c4');
        await b.cache.replace('c4', { name: 'changed' });
        await dropped;
        expect(await a.cache.get('c4')).toEqual({ name: 'changed' });
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });
  });
});
