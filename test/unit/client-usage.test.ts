/** Usage counting: nothing reaches the store on the authorization path; batches do, and the summary reads them back. */
import { describe, expect, test } from '@jest/globals';
import { ClientUsage, dayOf, type UsageBatch, type UsageStore } from '../../src/clients/usage.js';
import { MemoryUsage } from '../../src/clients/memory-usage.js';

class CountingStore implements UsageStore {
  readonly inner = new MemoryUsage();
  writes = 0;
  async add(batch: UsageBatch) {
    this.writes++;
    await this.inner.add(batch);
  }
  read(days: string[]) {
    return this.inner.read(days);
  }
}

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T12:00:00Z');

describe('ClientUsage', () => {
  test('a thousand authorizations write nothing until the batch, then one write', async () => {
    const store = new CountingStore();
    const usage = new ClientUsage(store, 60_000);
    for (let i = 0; i < 1000; i++) usage.record('spa', i % 4 ? 'id_token token' : 'code', NOW);
    expect(store.writes).toBe(0);
    await usage.flush();
    expect(store.writes).toBe(1);
    const summary = await usage.summary(30, NOW);
    expect(summary.get('spa')).toEqual({ lastUsed: NOW, byType: { 'id_token token': 750, code: 250 } });
  });

  test('the period counts only its days; "last used" looks further back', async () => {
    const usage = new ClientUsage(new MemoryUsage(), 60_000);
    usage.record('old', 'id_token', NOW - 32 * DAY);
    usage.record('spa', 'id_token', NOW - 29 * DAY);
    usage.record('spa', 'id_token', NOW - DAY);
    usage.record('spa', 'id_token', NOW);
    const summary = await usage.summary(30, NOW);
    expect(summary.get('spa')).toEqual({ lastUsed: NOW, byType: { id_token: 3 } });
    expect(summary.get('old')).toEqual({ lastUsed: NOW - 32 * DAY, byType: {} });
    expect((await usage.summary(1, NOW)).get('spa')!.byType).toEqual({ id_token: 1 });
  });

  test('a store outage loses the counts, not the caller; later batches still arrive', async () => {
    const errors: unknown[] = [];
    let down = true;
    const inner = new MemoryUsage();
    const usage = new ClientUsage({ add: async (b) => (down ? Promise.reject(new Error('down')) : inner.add(b)), read: (d) => inner.read(d) }, 60_000, (e) => errors.push(e));
    usage.record('spa', 'code', NOW);
    await usage.flush();
    expect(errors).toHaveLength(1);
    down = false;
    usage.record('spa', 'code', NOW);
    expect((await usage.summary(30, NOW)).get('spa')!.byType).toEqual({ code: 1 });
  });

  test('days are UTC dates', () => {
    expect(dayOf(Date.parse('2026-11-23T23:59:59Z'))).toBe('2026-11-23');
  });
});
