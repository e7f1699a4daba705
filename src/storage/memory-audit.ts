import type { AuditEvent, AuditStore } from '../ops/audit.js';

/** The embedded default's audit trail: the newest 10,000 events. */
export class MemoryAudit implements AuditStore {
  #events: AuditEvent[] = [];

  async append(events: AuditEvent[]): Promise<void> {
    this.#events.push(...events);
    if (this.#events.length > 10_000) this.#events = this.#events.slice(-10_000);
  }

  async latest(limit: number): Promise<AuditEvent[]> {
    return this.#events.slice(-limit).reverse();
  }
}
