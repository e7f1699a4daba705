/** Pending upstream sign-ins in memory (the embedded default): entries expire like the Redis keys, swept as they are met. */
import type { PendingStore } from './pending-sign-ins.js';

export class MemoryPending implements PendingStore {
  readonly #entries = new Map<string, { value: string; until: number }>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  #sweep() {
    const now = this.now();
    for (const [key, entry] of this.#entries) if (entry.until <= now) this.#entries.delete(key);
  }

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#sweep();
    this.#entries.set(key, { value, until: this.now() + ttlSeconds * 1000 });
  }

  async take(key: string): Promise<string | undefined> {
    this.#sweep();
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    return entry?.value;
  }

  async count(key: string, ttlSeconds: number): Promise<number> {
    this.#sweep();
    const entry = this.#entries.get(key);
    const n = entry ? Number(entry.value) + 1 : 1;
    this.#entries.set(key, { value: String(n), until: entry?.until ?? this.now() + ttlSeconds * 1000 });
    return n;
  }
}
