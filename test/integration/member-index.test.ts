/**
 * A collection's secondary index and the group member index built on it, on a real Redis and on the memory twin:
 * every write keeps the index in step with the records, and a group's members are read without reading every user.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { passwordHasher } from '../../src/accounts/passwords.js';
import { Users, type UserRecord } from '../../src/accounts/users.js';
import { groupKey } from '../../src/groups/group-names.js';
import { Groups, type GroupRecord } from '../../src/groups/groups.js';
import { memberIndex } from '../../src/groups/member-index.js';
import type { Collection, CollectionSet, IndexOf } from '../../src/storage/collection.js';
import { MemoryCollectionSet } from '../../src/storage/memory-collection.js';
import { RedisCollection, RedisCollectionSet } from '../../src/storage/redis-collection.js';
import { useTestRedis } from '../support/test-redis.js';

const fixture = useTestRedis();
let redis: Redis;
let n = 0;

beforeAll(() => void (redis = fixture.redis()));

interface Rec {
  name: string;
  tags?: string[];
}

const byTag: IndexOf<Rec> = (r) => (r.tags ?? []).map((tag) => ({ set: `tag:${tag}`, member: r.name }));

const kinds: [string, () => CollectionSet][] = [
  ['redis', () => new RedisCollectionSet(redis)],
  ['memory', () => new MemoryCollectionSet()],
];

/** Every set of the index as the records say it should be, and as the index has it. */
async function indexAgainstRecords<T>(c: Collection<T>, index: IndexOf<T>): Promise<{ expected: Record<string, string[]>; actual: Record<string, string[]> }> {
  const expected: Record<string, string[]> = {};
  for (const record of await c.list()) for (const { set, member } of index(record)) (expected[set] ??= []).push(member);
  const actual: Record<string, string[]> = {};
  for (const set of Object.keys(expected)) {
    expected[set]!.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    actual[set] = (await c.indexPage(set, 0, 100_000)).members;
  }
  return { expected, actual };
}

describe.each(kinds)('%s collection with an index', (kind, makeSet) => {
  test('insert, replace, compareAndReplace and remove keep the index; pages come in byte order with the total', async () => {
    const name = `idx-${++n}`;
    const c = makeSet().collection<Rec>(name, byTag);
    expect(await c.insert('1', { name: 'bob', tags: ['a', 'b'] }, 'bob')).toBe(true);
    expect(await c.insert('2', { name: 'Alice', tags: ['a'] })).toBe(true);
    expect(await c.insert('3', { name: 'carol', tags: ['a'] })).toBe(true);
    // A refused insert writes no index entry.
    expect(await c.insert('4', { name: 'dave', tags: ['a'] }, 'bob')).toBe(false);
    expect(await c.indexPage('tag:a', 0, 10)).toEqual({ members: ['Alice', 'bob', 'carol'], total: 3 });
    expect(await c.indexPage('tag:a', 1, 1)).toEqual({ members: ['bob'], total: 3 });
    expect(await c.indexPage('tag:a', 5, 10)).toEqual({ members: [], total: 3 });
    expect(await c.indexPage('tag:none', 0, 10)).toEqual({ members: [], total: 0 });

    expect(await c.replace('1', { name: 'bob', tags: ['b', 'c'] })).toBe(true);
    expect(await c.compareAndReplace('2', { name: 'Alice', tags: ['a'] }, { name: 'Alice', tags: ['c'] })).toBe(true);
    // A stale compareAndReplace changes neither the record nor the index.
    expect(await c.compareAndReplace('3', { name: 'carol', tags: ['x'] }, { name: 'carol' })).toBe(false);
    expect(await c.indexPage('tag:a', 0, 10)).toEqual({ members: ['carol'], total: 1 });
    expect(await c.indexPage('tag:c', 0, 10)).toEqual({ members: ['Alice', 'bob'], total: 2 });

    expect(await c.remove('1')).toEqual({ name: 'bob', tags: ['b', 'c'] });
    expect(await c.indexPage('tag:b', 0, 10)).toEqual({ members: [], total: 0 });
    expect(await c.indexPage('tag:c', 0, 10)).toEqual({ members: ['Alice'], total: 1 });
    const { expected, actual } = await indexAgainstRecords(c, byTag);
    expect(actual).toEqual(expected);
    if (kind === 'redis') {
      // An emptied set leaves no key, and the collection's list of sets names only those with members.
      expect(await redis.exists(`{${name}}:index:tag:b`)).toBe(0);
      expect((await redis.smembers(`{${name}}:indexes`)).sort()).toEqual(['tag:a', 'tag:c']);
    }
  });

  test('replaceAll rebuilds the index from the new records: no set of the old ones is left', async () => {
    const name = `idx-${++n}`;
    const set = makeSet();
    const c = set.collection<Rec>(name, byTag);
    await c.insert('1', { name: 'old', tags: ['gone', 'kept'] });
    expect(await set.replaceAll([{ name, entries: [{ id: '2', value: { name: 'new', tags: ['kept', 'fresh'] }, alias: 'new' }] }], false)).toEqual({ busy: [] });
    expect(await c.indexPage('tag:gone', 0, 10)).toEqual({ members: [], total: 0 });
    expect(await c.indexPage('tag:kept', 0, 10)).toEqual({ members: ['new'], total: 1 });
    // Another handle on the same name from the same set keeps the index too.
    const again = set.collection<Rec>(name);
    await again.insert('3', { name: 'third', tags: ['fresh'] });
    expect(await c.indexPage('tag:fresh', 0, 10)).toEqual({ members: ['new', 'third'], total: 2 });
    if (kind === 'redis') {
      expect(await redis.exists(`{${name}}:index:tag:gone`)).toBe(0);
      expect((await redis.smembers(`{${name}}:indexes`)).sort()).toEqual(['tag:fresh', 'tag:kept']);
    }
  });
});

describe('redis: records written before the index existed', () => {
  test('buildIndex indexes them once; later calls cost one read and index nothing', async () => {
    const name = `idx-${++n}`;
    const plain = new RedisCollection<Rec>(redis, name);
    for (let i = 0; i < 30; i++) await plain.insert(String(i), { name: `r${String(i).padStart(2, '0')}`, tags: i % 3 === 0 ? ['three'] : [] });
    const set = new RedisCollectionSet(redis);
    const c = set.collection<Rec>(name, byTag);
    expect(await c.indexPage('tag:three', 0, 100)).toEqual({ members: [], total: 0 });
    expect(await set.buildIndex(name)).toBe(30);
    expect(await c.indexPage('tag:three', 0, 3)).toEqual({ members: ['r00', 'r03', 'r06'], total: 10 });
    expect(await set.buildIndex(name)).toBe(0);
  });
});

/** A collection that counts the calls made to it. */
function counted<T>(inner: Collection<T>): { collection: Collection<T>; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const collection = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(key)] = (calls[String(key)] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { collection, calls };
}

describe.each(kinds)('%s: group members through the index', (_kind, makeSet) => {
  const hasher = passwordHasher({ memoryCost: 8192, timeCost: 1, parallelism: 1 });

  test('many users: listing and deleting a group read its members only, and the index matches the records after each change', async () => {
    const set = makeSet();
    const name = `users-${++n}`;
    const { collection: records, calls } = counted(set.collection<UserRecord>(name, memberIndex));
    const users = new Users(records, hasher);
    const groups = new Groups(set.collection<GroupRecord>(`groups-${n}`), users, records);
    const check = async () => {
      const { expected, actual } = await indexAgainstRecords(records, memberIndex);
      expect(actual).toEqual(expected);
    };
    await groups.create({ name: 'Crew' });
    await groups.create({ name: 'Other' });
    const usernames = Array.from({ length: 200 }, (_, i) => `user${String(i).padStart(3, '0')}`);
    for (const [i, username] of usernames.entries()) await users.create({ username, password: 'long enough password', ...(i % 10 === 0 ? { groups: ['Crew'] } : {}) });
    await check();

    for (const key of Object.keys(calls)) delete calls[key];
    const page = await groups.members('crew', 0, 5);
    expect(page).toEqual({ group: 'Crew', members: ['user000', 'user010', 'user020', 'user030', 'user040'], total: 20, next: 5 });
    expect(await groups.members('crew', 15, 10)).toEqual({ group: 'Crew', members: ['user150', 'user160', 'user170', 'user180', 'user190'], total: 20 });
    // No listing of the users and no record read: the pages come from the index alone.
    expect(calls).toEqual({ indexPage: 2 });

    await groups.addMembers('crew', ['user001', 'user002']);
    await check();
    await groups.removeMembers('crew', ['user000']);
    await check();
    await users.update('user003', { groups: ['Crew', 'Other'] });
    await users.update('user010', { groups: ['Other'] });
    await check();
    await users.delete('user020');
    await check();
    expect((await groups.members('crew', 0, 500)).total).toBe(20 - 3 + 3);

    for (const key of Object.keys(calls)) delete calls[key];
    const { members } = await groups.delete('Crew');
    expect(members).toHaveLength(20);
    expect(calls.list).toBeUndefined();
    expect(calls.entries).toBeUndefined();
    // Each member is read (by username, then the change reads it again): a few reads per member, never one per user.
    expect((calls.get ?? 0) + (calls.getByAlias ?? 0)).toBeLessThanOrEqual(20 * 3);
    await check();
    expect(await records.indexPage(`group:${groupKey('Crew')}`, 0, 10)).toEqual({ members: [], total: 0 });
    expect((await users.require('user003')).groups).toEqual(['Other']);
  });
});
