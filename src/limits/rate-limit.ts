/**
 * Fixed-window rate limits per key (a client address, an initial access token): what bounds the records a flood
 * can make. Each hit is one atomic step in the store (one Redis round trip), counted whether or not it is allowed.
 */

/** Counts hits per key in windows that start at a key's first hit (Redis, or memory for the embedded default). */
export interface WindowCounter {
  /** Counts one hit on `key`: the hits in its window so far, this one included, and the seconds left in the window. */
  hit(key: string, windowSeconds: number): Promise<WindowHits>;
}

export interface WindowHits {
  count: number;
  resetIn: number;
}

export interface RatePolicy {
  /** Hits allowed per window; the next ones wait for the window to end. */
  limit: number;
  windowSeconds: number;
}

/** Seconds before another hit is allowed: 0 within the limit, else what is left of the window (at least 1). */
export function waitAfter(hits: WindowHits, policy: RatePolicy): number {
  return hits.count <= policy.limit ? 0 : Math.max(1, Math.min(hits.resetIn, policy.windowSeconds));
}

export class RateLimit {
  constructor(
    private readonly counter: WindowCounter,
    /** Names the limit in the counter's keys, so two limits on one address count apart. */
    private readonly name: string,
    readonly policy: RatePolicy,
  ) {}

  /** Counts one hit for `key`; the seconds to wait (to send as Retry-After), 0 when it may go ahead. */
  async take(key: string): Promise<number> {
    return waitAfter(await this.counter.hit(`${this.name}:${key}`, this.policy.windowSeconds), this.policy);
  }
}
