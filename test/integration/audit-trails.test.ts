/**
 * The audit trails against a real redis-server (and the embedded default's in memory): token issuance, one event per
 * sign-in, is kept apart from admin changes, logins and consents, each trail bounded on its own, so a busy server
 * neither grows Redis without bound nor loses yesterday's admin change under today's sign-ins.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { AuditLog, type AuditEvent, type AuditStore } from '../../src/ops/audit.js';
import { MemoryAudit } from '../../src/storage/memory-audit.js';
import { RedisAudit } from '../../src/storage/redis-audit.js';
import { useTestRedis } from '../support/test-redis.js';

const fixture = useTestRedis();
let redis: ReturnType<typeof fixture.redis>;
beforeEach(() => void (redis = fixture.redis()));
afterEach(() => fixture.clear());

const at = (ms: number) => new Date(Date.UTC(2026, 11, 1) + ms).toISOString();
const adminChange: AuditEvent = { time: at(0), type: 'admin', outcome: 'success', actor: 'cli:root', action: 'client update', client: 'app' };
const login: AuditEvent = { time: at(1), type: 'login', outcome: 'success', user: 'alice', client: 'app', ip: '10.0.0.1' };
/** `batches` full batches (200 events) of token issuance to bob, each event a millisecond after the one before. */
const tokenBatches = (batches: number) =>
  Array.from({ length: batches }, (_, b) =>
    Array.from({ length: 200 }, (_, i): AuditEvent => ({ time: at(10 + b * 200 + i), type: 'token.issued', outcome: 'success', user: 'bob', client: 'app', action: 'authorization id_token token' })),
  );

async function flood(store: AuditStore, batches: number): Promise<void> {
  await store.append([adminChange, login]);
  for (const batch of tokenBatches(batches)) await store.append(batch);
}

describe.each([
  ['Redis streams', () => new RedisAudit(redis), 1_300],
  ['memory (the embedded default)', () => new MemoryAudit(), 60],
] as const)('audit trails in %s', (_name, makeStore, batches) => {
  test('a flood of token issuance pushes out neither the admin change nor the login, and hides neither from a filter', async () => {
    const store = makeStore();
    const audit = new AuditLog(store);
    await flood(store, batches);
    expect(await audit.tail(5, { type: 'admin' })).toEqual([adminChange]);
    expect(await audit.tail(5, { user: 'alice' })).toEqual([login]);
    expect(await audit.tail(5, { client: 'app', type: 'login' })).toEqual([login]);
    // Unfiltered, both trails merged by time: the newest are the last tokens, newest first.
    const newest = await audit.tail(3);
    expect(newest.map((e) => e.type)).toEqual(['token.issued', 'token.issued', 'token.issued']);
    expect(newest.map((e) => e.time)).toEqual([at(10 + batches * 200 - 1), at(10 + batches * 200 - 2), at(10 + batches * 200 - 3)]);
  });
});

test('on Redis, each trail is its own stream with its own bound: token issuance ~1,000 batches, the security trail untouched', async () => {
  await flood(new RedisAudit(redis), 1_300);
  const tokens = await redis.xlen('audit:tokens');
  expect(tokens).toBeGreaterThanOrEqual(1_000);
  expect(tokens).toBeLessThan(1_300); // MAXLEN ~ trims whole stream nodes: approximately 1,000
  expect(await redis.xlen('audit')).toBe(1);
});

test('in memory, each trail keeps its newest 10,000 events', async () => {
  const store = new MemoryAudit();
  await flood(store, 60); // 12,000 token events
  const tokens = await store.latest(20_000, 'tokens');
  expect(tokens).toHaveLength(10_000);
  expect(tokens.at(-1)!.time).toBe(at(10 + 2_000)); // the oldest 2,000 went
  expect(await store.latest(10, 'security')).toEqual([login, adminChange]);
});
