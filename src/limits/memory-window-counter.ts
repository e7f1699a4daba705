/** Rate-limit windows for the embedded default; windows past their end are swept as new keys arrive. */
import type { WindowCounter, WindowHits } from './rate-limit.js';

/** Keys held before the first sweep of ended windows: many addresses cannot grow the map without end. */
const SWEEP_AT = 10_000;

export class MemoryWindowCounter implements WindowCounter {
  readonly #windows = new Map<string, { count: number; ends: number }>();
  // Twice the live keys after each sweep, so a map of live windows is not swept again at every new key.
  #sweepAt = SWEEP_AT;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowSeconds: number): Promise<WindowHits> {
    const now = this.now();
    let window = this.#windows.get(key);
    if (!window || window.ends <= now) {
      if (!window && this.#windows.size >= this.#sweepAt) this.#sweep(now);
      window = { count: 0, ends: now + windowSeconds * 1000 };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetIn: Math.ceil((window.ends - now) / 1000) };
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) if (window.ends <= now) this.#windows.delete(key);
    this.#sweepAt = Math.max(SWEEP_AT, this.#windows.size * 2);
  }
}
