import { describe, expect, test } from '@jest/globals';
import { keptCookieKeys, type KeyMaterial } from '../../src/keys/generated-keys.js';
import { jwksInService, Keyring, keyStatuses, RETIRE_AFTER_MS, type KeyGeneration } from '../../src/keys/keyring.js';
import { MemoryCollectionSet } from '../../src/storage/memory-collection.js';

const gen = (name: string, activeFrom: number, retiredAt?: number): KeyGeneration => ({
  keys: [{ kty: 'EC', kid: `${name}-ec`, d: 'x', alg: 'ES256' }, { kty: 'RSA', kid: `${name}-rsa`, d: 'x', alg: 'RS256' }],
  createdAt: activeFrom,
  activeFrom,
  ...(retiredAt === undefined ? {} : { retiredAt }),
});

const states = (generations: KeyGeneration[], now: number) => keyStatuses(generations, now).map((s) => `${s.kids[0]}:${s.state}`);
const kids = (generations: KeyGeneration[], now: number) => jwksInService(generations, now).keys.map((k) => k.kid);

describe('key generations over time', () => {
  const a = gen('a', 0);
  const b = gen('b', 1_000);

  test('before the lead time passes: a signs, b is published but next', () => {
    expect(states([a, b], 500)).toEqual(['a-ec:active', 'b-ec:next']);
    expect(kids([a, b], 500)).toEqual(['a-ec', 'a-rsa', 'b-ec', 'b-rsa']);
  });

  test('from b.activeFrom: b signs (listed first), a is retiring until its tokens can have expired', () => {
    expect(states([a, b], 1_000)).toEqual(['a-ec:retiring', 'b-ec:active']);
    expect(kids([a, b], 1_000)).toEqual(['b-ec', 'b-rsa', 'a-ec', 'a-rsa']);
    expect(keyStatuses([a, b], 1_000)[0]!.publishedUntil).toBe(new Date(1_000 + RETIRE_AFTER_MS).toISOString());
  });

  test('after that, a is retired and no longer published', () => {
    expect(states([a, b], 1_000 + RETIRE_AFTER_MS)).toEqual(['a-ec:retired', 'b-ec:active']);
    expect(kids([a, b], 1_000 + RETIRE_AFTER_MS)).toEqual(['b-ec', 'b-rsa']);
  });

  test('a generation retired by hand is gone at once; order of storage does not matter', () => {
    expect(states([b, gen('a', 0, 1_500)], 1_500)).toEqual(['a-ec:retired', 'b-ec:active']);
    expect(kids([b, gen('a', 0, 1_500)], 1_500)).toEqual(['b-ec', 'b-rsa']);
  });

  test('a retired successor does not make its predecessor retiring', () => {
    expect(states([a, gen('b', 1_000, 2_000)], 3_000)).toEqual(['a-ec:active', 'b-ec:retired']);
  });
});

describe('keys the store has lost', () => {
  const storeOf = () => new MemoryCollectionSet().collection<KeyMaterial>('keys');

  test('a keyring that finds its generations gone writes back those it last read, and says so', async () => {
    const store = storeOf();
    const restored: string[] = [];
    const keyring = new Keyring(store, () => 1_000, (id) => restored.push(id));
    const first = await keyring.generations();
    expect(restored).toEqual([]);
    await store.remove('signing');
    expect(await keyring.generations()).toEqual(first);
    expect(restored).toEqual(['signing']);
    expect(await new Keyring(store).generations()).toEqual(first);
  });

  test('the first writer wins: a keyring whose store got other generations meanwhile takes those, silently', async () => {
    const store = storeOf();
    const restored: string[] = [];
    const keyring = new Keyring(store, () => 1_000, (id) => restored.push(id));
    await keyring.generations();
    await store.remove('signing');
    const other = await new Keyring(store).generations();
    expect(await keyring.generations()).toEqual(other);
    expect(restored).toEqual([]);
  });

  test('cookie keys held are written back when missing; new ones only at first start', async () => {
    const store = storeOf();
    const restored: string[] = [];
    const first = await keptCookieKeys(store);
    expect(await keptCookieKeys(store, ['held-but-not-used'], (id) => restored.push(id))).toEqual(first);
    await store.remove('cookies');
    expect(await keptCookieKeys(store, first, (id) => restored.push(id))).toEqual(first);
    expect(restored).toEqual(['cookies']);
  });
});
