/**
 * The audit trails against a real redis-server (and the embedded default's in memory): admin changes, sign-in
 * refusals and token issuance each in their own trail, each bounded in bytes on its own, so neither a busy server
 * nor an unauthenticated flood grows Redis without bound or pushes yesterday's admin change out.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { AuditLog, type AuditEvent, type AuditStore } from '../../src/audit/audit.js';
import { AUDIT_TRAILS, FIELD_BOUNDS } from '../../src/audit/audit-event.js';
import { MemoryAudit } from '../../src/audit/memory-audit.js';
import { AUDIT_STREAMS, RedisAudit, trailBoundBytes } from '../../src/audit/redis-audit.js';
import { useTestRedis } from '../support/test-redis.js';

const fixture = useTestRedis();
let redis: ReturnType<typeof fixture.redis>;
beforeEach(() => void (redis = fixture.redis()));
afterEach(() => fixture.clear());

const at = (ms: number) => new Date(Date.UTC(2026, 11, 1) + ms).toISOString();
const adminChange: AuditEvent = { time: at(0), type: 'admin', outcome: 'success', actor: 'cli:root', action: 'client update', client: 'app' };
const login: AuditEvent = { time: at(1), type: 'login', outcome: 'success', user: 'alice', client: 'app', ip: '10.0.0.1' };
/** `batches` full batches (200 events) of token issuance to `user`, each event a millisecond after the one before. */
const tokenBatches = (batches: number, user: string) =>
  Array.from({ length: batches }, (_, b) =>
    Array.from({ length: 200 }, (_, i): AuditEvent => ({ time: at(10 + b * 200 + i), type: 'token.issued', outcome: 'success', user, client: 'app', action: 'authorization id_token token' })),
  );

async function flood(store: AuditStore, batches: number, user = 'bob'): Promise<void> {
  await store.append([adminChange, login]);
  for (const batch of tokenBatches(batches, user)) await store.append(batch);
}

/** What Redis itself counts for a stream key, every node of it (not a sample); the client adds the key prefix. */
const memoryUsage = async (key: string) => Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));

describe.each([
  ['Redis streams', () => new RedisAudit(redis), 300],
  ['memory (the embedded default)', () => new MemoryAudit(), 60],
] as const)('audit trails in %s', (_name, makeStore, batches) => {
  test('a flood of token issuance pushes out neither the admin change nor the login, and hides neither from a filter', async () => {
    const store = makeStore();
    const audit = new AuditLog(store);
    await flood(store, batches);
    expect(await audit.tail(5, { type: 'admin' })).toEqual([adminChange]);
    expect(await audit.tail(5, { user: 'alice' })).toEqual([login]);
    expect(await audit.tail(5, { client: 'app', type: 'login' })).toEqual([login]);
    // Unfiltered, the trails merged by time: the newest are the last tokens, newest first.
    const newest = await audit.tail(3);
    expect(newest.map((e) => e.type)).toEqual(['token.issued', 'token.issued', 'token.issued']);
    expect(newest.map((e) => e.time)).toEqual([at(10 + batches * 200 - 1), at(10 + batches * 200 - 2), at(10 + batches * 200 - 3)]);
  });
});

test('on Redis, token issuance is trimmed to its own bound in entries and bytes, the admin trail untouched', async () => {
  await flood(new RedisAudit(redis), 500, 'b'.repeat(FIELD_BOUNDS.user)); // 100,000 events of the longest user: more than the token trail keeps
  const { key, maxEntries } = AUDIT_STREAMS.tokens;
  const entries = await redis.xlen(key);
  expect(entries).toBeGreaterThanOrEqual(maxEntries);
  expect(entries).toBeLessThanOrEqual(maxEntries + 100); // MAXLEN ~ trims whole stream nodes
  expect(await memoryUsage(key)).toBeLessThanOrEqual(trailBoundBytes('tokens'));
  expect(await redis.xlen(AUDIT_STREAMS.admin.key)).toBe(1);
});

test('an unauthenticated flood of refused sign-ins with huge usernames stays within the sign-in trail bound, counted per address, and leaves the admin change in the tail', async () => {
  const audit = new AuditLog(new RedisAudit(redis));
  audit.record({ type: 'admin', outcome: 'success', actor: 'cli:root', action: 'client update', client: 'app' });
  await audit.flush();
  const [escapes, letters, hammer] = ['\x1b', 'm', 'x'].map((c) => c.repeat(15_900)) as [string, string, string];
  // A distributed flood (a fresh address each time, so nothing is counted together), half of it escape characters,
  // whose JSON is six bytes each: the largest events there can be.
  for (let i = 0; i < 30_000; i++) {
    audit.record({ type: 'login', outcome: 'failure', user: i % 2 ? letters : escapes, client: 'spa-both', ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, action: 'throttled' });
  }
  // And one address hammering: one event per batch with its count.
  for (let i = 0; i < 5_000; i++) audit.record({ type: 'login', outcome: 'failure', user: hammer, client: 'spa-both', ip: '192.0.2.7', action: 'throttled' });
  await audit.flush();

  for (const trail of AUDIT_TRAILS) expect(await memoryUsage(AUDIT_STREAMS[trail].key)).toBeLessThanOrEqual(trailBoundBytes(trail));
  expect(await redis.xlen(AUDIT_STREAMS.signin.key)).toBeLessThanOrEqual(AUDIT_STREAMS.signin.maxEntries + 100);
  expect(await memoryUsage(AUDIT_STREAMS.signin.key)).toBeGreaterThan(trailBoundBytes('signin') / 2); // the flood did reach the bound

  const [hammering] = await audit.tail(1, { type: 'login' });
  expect(hammering).toMatchObject({ ip: '192.0.2.7', action: 'throttled', count: 5_000, truncated: true, user: hammer.slice(0, FIELD_BOUNDS.user) });
  expect(await audit.tail(5, { type: 'admin' })).toEqual([expect.objectContaining({ actor: 'cli:root', action: 'client update', client: 'app' })]);
  const latest = await audit.tail(100);
  expect(latest.filter((e) => e.type === 'admin')).toHaveLength(0); // the flood is newer, and it is what a tail shows first…
  expect((await audit.tail(10_000)).some((e) => e.type === 'admin' && e.actor === 'cli:root')).toBe(true); // …but the change is still there
});

test('in memory, each trail keeps its newest 10,000 events', async () => {
  const store = new MemoryAudit();
  await flood(store, 60); // 12,000 token events
  const tokens = await store.latest(20_000, 'tokens');
  expect(tokens).toHaveLength(10_000);
  expect(tokens.at(-1)!.time).toBe(at(10 + 2_000)); // the oldest 2,000 went
  expect(await store.latest(10, 'admin')).toEqual([login, adminChange]);
});
