/** The replay set in memory (the embedded default): entries expire like the Redis keys, swept as they are met. */
import type { UsedCodes } from './used-codes.js';

export class MemoryUsedCodes implements UsedCodes {
  readonly #until = new Map<string, number>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  async claim(sub: string, step: number, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    for (const [key, until] of this.#until) if (until <= now) this.#until.delete(key);
    const key = `${sub}:${step}`;
    if (this.#until.has(key)) return false;
    this.#until.set(key, now + ttlSeconds * 1000);
    return true;
  }
}
