/**
 * A value this instance keeps in memory and re-reads on a timer (settings, the signing keys in service),
 * emitting 'change' when what it reads differs: every instance follows an administrator's change within one
 * interval, and the hot path never waits for Redis.
 */
import { EventEmitter } from 'node:events';

export class Polled<T> extends EventEmitter {
  #current: T;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    initial: T,
  ) {
    super();
    this.#current = initial;
  }

  get current(): T {
    return this.#current;
  }

  async refresh(): Promise<void> {
    const next = await this.read();
    if (JSON.stringify(next) !== JSON.stringify(this.#current)) {
      this.#current = next;
      this.emit('change', next);
    }
  }

  /** Re-reads every `intervalMs`; a failed read (Redis away) keeps the last known value. */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => void this.refresh().catch(() => undefined), intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
