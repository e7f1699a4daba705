import type { AttemptRecord, AttemptStore } from '../accounts/throttle.js';

/** Failure counts for the embedded default; expired records are dropped when read. */
export class MemoryAttempts implements AttemptStore {
  readonly #records = new Map<string, AttemptRecord & { expires: number }>();

  async read(key: string, now: number): Promise<AttemptRecord | undefined> {
    const record = this.#records.get(key);
    if (record && record.expires <= now) {
      this.#records.delete(key);
      return undefined;
    }
    return record && { failures: record.failures, last: record.last };
  }

  async fail(key: string, now: number, windowMs: number): Promise<void> {
    const previous = await this.read(key, now);
    this.#records.set(key, { failures: (previous?.failures ?? 0) + 1, last: now, expires: now + windowMs });
  }

  async clear(key: string): Promise<void> {
    this.#records.delete(key);
  }
}
