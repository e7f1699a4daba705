import { USAGE_DAYS_KEPT, type UsageBatch, type UsageStore } from './usage.js';

/** Usage counts in memory, for the embedded default; days beyond the kept window are dropped. */
export class MemoryUsage implements UsageStore {
  readonly #days: UsageBatch = new Map();

  async add(batch: UsageBatch): Promise<void> {
    for (const [day, { counts, last }] of batch) {
      let entry = this.#days.get(day);
      if (!entry) this.#days.set(day, (entry = { counts: new Map(), last: new Map() }));
      for (const [field, n] of counts) entry.counts.set(field, (entry.counts.get(field) ?? 0) + n);
      for (const [clientId, ms] of last) entry.last.set(clientId, Math.max(entry.last.get(clientId) ?? 0, ms));
    }
    const oldest = [...this.#days.keys()].sort().reverse().slice(USAGE_DAYS_KEPT);
    for (const day of oldest) this.#days.delete(day);
  }

  async read(days: string[]): Promise<UsageBatch> {
    return new Map(days.flatMap((day) => (this.#days.has(day) ? [[day, this.#days.get(day)!] as const] : [])));
  }
}
