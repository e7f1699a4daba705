/** The assertion replay set in memory (the embedded default): entries expire like the Redis keys, swept as they are met. */
import type { AssertionReplay } from './replay.js';

export class MemoryAssertionReplay implements AssertionReplay {
  readonly #until = new Map<string, number>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  async claim(idp: string, assertionId: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    for (const [key, until] of this.#until) if (until <= now) this.#until.delete(key);
    const key = `${idp}\n${assertionId}`;
    if (this.#until.has(key)) return false;
    this.#until.set(key, now + Math.max(1, Math.ceil(ttlSeconds)) * 1000);
    return true;
  }
}
