import { describe, expect, test } from '@jest/globals';
import { jwksInService, keyStatuses, RETIRE_AFTER_MS, type KeyGeneration } from '../../src/keys/keyring.js';

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
