/** The record collections on a real Redis Cluster: every script stays in one slot; replaceAll goes collection by collection. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Cluster } from 'ioredis';
import { RedisCollectionSet } from '../../src/storage/redis-collection.js';
import { startTestCluster, type TestCluster } from '../support/redis-cluster.js';

let cluster: TestCluster;
let redis: Cluster;

beforeAll(async () => {
  cluster = await startTestCluster();
  redis = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })), { keyPrefix: 'p:' });
});

afterAll(async () => {
  await redis?.quit();
  await cluster?.close();
});

interface Rec {
  name: string;
  tags?: string[];
}

const byTag = (r: Rec) => (r.tags ?? []).map((tag) => ({ set: `tag:${tag}`, member: r.name }));

describe('collections on Redis Cluster', () => {
  test('the collections of one import live in different slots, and each write still works', async () => {
    const slots = await Promise.all(['{clients}:records', '{users}:records', '{scopes}:records'].map((k) => redis.cluster('KEYSLOT', `p:${k}`)));
    expect(new Set(slots).size).toBeGreaterThan(1);
    const users = new RedisCollectionSet(redis).collection<Rec>('users');
    expect(await users.insert('1', { name: 'one' }, 'uno')).toBe(true);
    expect(await users.getByAlias('uno')).toEqual({ name: 'one' });
    expect(await users.compareAndReplace('1', { name: 'one' }, { name: 'eins' })).toBe(true);
    expect(await users.remove('1')).toEqual({ name: 'eins' });
  });

  test('replaceAll checks every collection first, then replaces each; refuses a non-empty target unless asked', async () => {
    const set = new RedisCollectionSet(redis);
    await set.collection<Rec>('scopes').insert('old', { name: 'old' });
    const contents = [
      { name: 'clients', entries: [{ id: 'c', value: { name: 'client' } }] },
      { name: 'users', entries: [{ id: 'u', value: { name: 'user' }, alias: 'user' }] },
      { name: 'scopes', entries: [{ id: 's', value: { name: 'scope' } }] },
    ];
    expect(await set.replaceAll(contents, true)).toEqual({ busy: ['scopes'] });
    expect(await set.collection<Rec>('clients').list()).toEqual([]); // nothing written before the refusal
    expect(await set.replaceAll(contents, false)).toEqual({ busy: [] });
    expect(await set.collection<Rec>('clients').get('c')).toEqual({ name: 'client' });
    expect(await set.collection<Rec>('users').getByAlias('user')).toEqual({ name: 'user' });
    expect(await set.collection<Rec>('scopes').entries()).toEqual([['s', { name: 'scope' }]]);
  });

  test('an indexed collection writes record and index in one script (one slot), and replaceAll rebuilds the index', async () => {
    const set = new RedisCollectionSet(redis);
    const people = set.collection<Rec>('people', byTag);
    expect(await people.insert('1', { name: 'ann', tags: ['a', 'b'] }, 'ann')).toBe(true);
    expect(await people.insert('2', { name: 'ben', tags: ['a'] })).toBe(true);
    expect(await people.compareAndReplace('1', { name: 'ann', tags: ['a', 'b'] }, { name: 'ann', tags: ['b'] })).toBe(true);
    expect(await people.indexPage('tag:a', 0, 10)).toEqual({ members: ['ben'], total: 1 });
    expect(await people.remove('2')).toEqual({ name: 'ben', tags: ['a'] });
    expect(await people.indexPage('tag:a', 0, 10)).toEqual({ members: [], total: 0 });
    expect(await set.replaceAll([{ name: 'people', entries: [{ id: '3', value: { name: 'cy', tags: ['c'] } }] }], false)).toEqual({ busy: [] });
    expect(await people.indexPage('tag:b', 0, 10)).toEqual({ members: [], total: 0 });
    expect(await people.indexPage('tag:c', 0, 10)).toEqual({ members: ['cy'], total: 1 });
  });
});
