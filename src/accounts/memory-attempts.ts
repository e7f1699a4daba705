import { waitMs, type AttemptRecord, type AttemptStore, type Reserved, type Slot, type ThrottlePolicy } from './throttle.js';

type Entry = AttemptRecord & { seq: number; expires: number };

/**
 * Failure counts for the embedded default. Each call reads and writes its record with no await in between, so a
 * reservation is as atomic as the Redis script it stands in for; expired records are dropped when met.
 */
export class MemoryAttempts implements AttemptStore {
  readonly #records = new Map<string, Entry>();

  #live(key: string, now: number): Entry | undefined {
    const record = this.#records.get(key);
    if (record && record.expires <= now) this.#records.delete(key);
    return this.#records.get(key);
  }

  async reserve(key: string, policy: ThrottlePolicy, now: number): Promise<Reserved> {
    const record = this.#live(key, now);
    const wait = waitMs(record, policy, now);
    if (wait > 0) return { waitMs: wait };
    const seq = (record?.seq ?? 0) + 1;
    this.#records.set(key, { failures: (record?.failures ?? 0) + 1, last: now, seq, expires: now + policy.window * 1000 });
    return { slot: { key, at: now, previousLast: record?.last ?? 0, seq } };
  }

  async refund(slot: Slot): Promise<void> {
    const record = this.#records.get(slot.key);
    // A bucket cleared (and perhaps begun again) since the slot was taken holds nothing of it.
    if (!record || record.seq < slot.seq) return;
    if (record.failures <= 1) {
      this.#records.delete(slot.key);
      return;
    }
    record.failures -= 1;
    if (record.seq === slot.seq) record.last = slot.previousLast;
  }

  async clear(key: string): Promise<void> {
    this.#records.delete(key);
  }
}
