/** The record collection contract, identical for the Redis store and the embedded in-memory one. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { RecordNotFound, updateRecord, type Collection, type CollectionSet } from '../../src/storage/collection.js';
import { MemoryCollection, MemoryCollectionSet } from '../../src/storage/memory-collection.js';
import { RedisCollection, RedisCollectionSet } from '../../src/storage/redis-collection.js';
import { useTestRedis } from '../support/test-redis.js';

const fixture = useTestRedis();
let redis: Redis;
let n = 0;

beforeAll(() => void (redis = fixture.redis()));

interface Rec {
  name: string;
  n?: number;
}

const kinds: [string, () => Collection<Rec>][] = [
  ['redis', () => new RedisCollection<Rec>(redis, `test-${++n}`)],
  ['memory', () => new MemoryCollection<Rec>()],
];

describe.each(kinds)('%s collection', (_kind, make) => {
  test('insert, get, getByAlias, list, count, replace, remove', async () => {
    const c = make();
    expect(await c.count()).toBe(0);
    expect(await c.insert('1', { name: 'one' }, 'uno')).toBe(true);
    expect(await c.insert('2', { name: 'two' })).toBe(true);
    expect(await c.get('1')).toEqual({ name: 'one' });
    expect(await c.getByAlias('uno')).toEqual({ name: 'one' });
    expect(await c.getByAlias('nope')).toBeUndefined();
    expect((await c.list()).map((r) => r.name).sort()).toEqual(['one', 'two']);
    expect((await c.entries()).sort()).toEqual([['1', { name: 'one' }], ['2', { name: 'two' }]]);
    expect(await c.count()).toBe(2);
    expect(await c.replace('1', { name: 'uno', n: 1 })).toBe(true);
    expect(await c.getByAlias('uno')).toEqual({ name: 'uno', n: 1 });
    expect(await c.replace('missing', { name: 'x' })).toBe(false);
    expect(await c.get('missing')).toBeUndefined();
    expect(await c.remove('1')).toEqual({ name: 'uno', n: 1 });
    expect(await c.getByAlias('uno')).toBeUndefined();
    expect(await c.remove('1')).toBeUndefined();
    // The alias is free again.
    expect(await c.insert('3', { name: 'three' }, 'uno')).toBe(true);
  });

  test('an id or alias that is taken refuses the insert and changes nothing', async () => {
    const c = make();
    await c.insert('a', { name: 'first' }, 'alias');
    expect(await c.insert('a', { name: 'second' }, 'other')).toBe(false);
    expect(await c.insert('b', { name: 'third' }, 'alias')).toBe(false);
    expect(await c.getByAlias('other')).toBeUndefined();
    expect(await c.get('b')).toBeUndefined();
    expect(await c.list()).toEqual([{ name: 'first' }]);
  });

  test('of concurrent inserts with one alias exactly one wins', async () => {
    const c = make();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => c.insert(`id-${i}`, { name: `n${i}` }, 'same')));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await c.list()).toHaveLength(1);
  });

  test('compareAndReplace writes only over what was read', async () => {
    const c = make();
    await c.insert('r', { name: 'v1', n: 1 });
    const read = (await c.get('r'))!;
    expect(await c.compareAndReplace('r', read, { name: 'v2', n: 2 })).toBe(true);
    expect(await c.compareAndReplace('r', read, { name: 'stale', n: 9 })).toBe(false);
    expect(await c.get('r')).toEqual({ name: 'v2', n: 2 });
    expect(await c.compareAndReplace('missing', read, read)).toBe(false);
  });

  test('concurrent updates of one record through updateRecord lose nothing', async () => {
    const c = make();
    await c.insert('counter', { name: 'counter', n: 0 });
    await Promise.all(Array.from({ length: 10 }, () => updateRecord(c, 'counter', (r) => ({ ...r, n: (r.n ?? 0) + 1 }))));
    expect(await c.get('counter')).toEqual({ name: 'counter', n: 10 });
    await expect(updateRecord(c, 'missing', (r) => r)).rejects.toBeInstanceOf(RecordNotFound);
  });

  test('returned records are copies: changing one does not change the store', async () => {
    const c = make();
    await c.insert('x', { name: 'kept' });
    const got = (await c.get('x'))!;
    got.name = 'changed';
    expect(await c.get('x')).toEqual({ name: 'kept' });
  });
});

const sets: [string, () => CollectionSet][] = [
  ['redis', () => new RedisCollectionSet(redis)],
  ['memory', () => new MemoryCollectionSet()],
];

describe.each(sets)('%s collection set', (_kind, make) => {
  test('replaceAll replaces several collections together, aliases included, and refuses a non-empty target when asked', async () => {
    const set = make();
    const [a, b] = [`set-a-${++n}`, `set-b-${++n}`];
    await set.collection<Rec>(a).insert('old', { name: 'old' }, 'old-alias');
    const contents = [
      { name: a, entries: [{ id: '1', value: { name: 'one', n: 1 }, alias: 'uno' }, { id: '2', value: { name: 'zwei "ü" \\ /' } }] },
      { name: b, entries: [{ id: 'x', value: { name: 'ex' } }] },
    ];
    expect(await set.replaceAll(contents, true)).toEqual({ busy: [a] });
    expect(await set.collection<Rec>(a).entries()).toEqual([['old', { name: 'old' }]]);
    expect(await set.collection<Rec>(b).list()).toEqual([]);

    expect(await set.replaceAll(contents, false)).toEqual({ busy: [] });
    expect((await set.collection<Rec>(a).entries()).sort()).toEqual([['1', { name: 'one', n: 1 }], ['2', { name: 'zwei "ü" \\ /' }]]);
    expect(await set.collection<Rec>(a).getByAlias('uno')).toEqual({ name: 'one', n: 1 });
    expect(await set.collection<Rec>(a).getByAlias('old-alias')).toBeUndefined();
    expect(await set.collection<Rec>(b).get('x')).toEqual({ name: 'ex' });
    // The aliases work as the collection's own writes expect: removing a record frees its alias.
    expect(await set.collection<Rec>(a).remove('1')).toEqual({ name: 'one', n: 1 });
    expect(await set.collection<Rec>(a).insert('3', { name: 'three' }, 'uno')).toBe(true);

    expect(await set.replaceAll([{ name: a, entries: [] }], false)).toEqual({ busy: [] });
    expect(await set.collection<Rec>(a).list()).toEqual([]);
    expect(await set.replaceAll([{ name: a, entries: [{ id: 'y', value: { name: 'y' } }] }], true)).toEqual({ busy: [] });
  });
});
