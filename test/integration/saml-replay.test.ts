/** One contract for the SAML assertion replay set: Redis (SET NX EX on a real redis-server) and the memory twin alike. */
import { beforeEach, describe, expect, test } from '@jest/globals';
import { MemoryAssertionReplay, RedisAssertionReplay, type AssertionReplay } from '../../src/idps/saml/index.js';
import { replayKey } from '../../src/idps/saml/redis-replay.js';
import { useTestRedis } from '../support/test-redis.js';

const test_ = useTestRedis();
let memoryNow = 1_700_000_000_000;

function replayContract(name: string, open: () => AssertionReplay, clear: () => Promise<void>, pass: (ms: number) => Promise<void>) {
  describe(name, () => {
    let replay: AssertionReplay;
    beforeEach(async () => {
      await clear();
      replay = open();
    });

    test('an assertion is accepted once; again, refused; another IdP with the same ID is its own', async () => {
      expect(await replay.claim('corp', '_a1', 60)).toBe(true);
      expect(await replay.claim('corp', '_a1', 60)).toBe(false);
      expect(await replay.claim('corp', '_a2', 60)).toBe(true);
      expect(await replay.claim('other', '_a1', 60)).toBe(true);
    });

    test('remembered until it could no longer be accepted anyway, then forgotten', async () => {
      expect(await replay.claim('corp', '_short', 1)).toBe(true);
      await pass(1100);
      expect(await replay.claim('corp', '_short', 1)).toBe(true);
    });
  });
}

replayContract(
  'Redis',
  () => new RedisAssertionReplay(test_.redis()),
  () => test_.clear(),
  // Redis expires keys on its own clock: the key's TTL is what the test reads rather than waiting it out.
  async () => {
    await test_.redis().del(replayKey('corp', '_short'));
  },
);
replayContract(
  'memory',
  () => new MemoryAssertionReplay(() => memoryNow),
  async () => {},
  async (ms) => {
    memoryNow += ms;
  },
);

test('Redis keeps a bounded key per assertion, with the TTL asked for', async () => {
  const replay = new RedisAssertionReplay(test_.redis());
  await replay.claim('corp', 'x'.repeat(256), 90.2);
  const key = replayKey('corp', 'x'.repeat(256));
  expect(key.length).toBeLessThan(80);
  expect(await test_.redis().ttl(key)).toBe(91);
});
