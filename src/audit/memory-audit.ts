import { AUDIT_TRAILS, trailOf, type AuditEvent, type AuditStore, type AuditTrail } from './audit.js';

const KEPT = 10_000;

/** The embedded default's audit trails: the newest 10,000 events of each (each event bounded, so each trail is too). */
export class MemoryAudit implements AuditStore {
  #trails: Record<AuditTrail, AuditEvent[]> = { admin: [], signin: [], tokens: [] };

  async append(events: AuditEvent[]): Promise<void> {
    for (const event of events) this.#trails[trailOf(event)].push(event);
    for (const trail of AUDIT_TRAILS) {
      if (this.#trails[trail].length > KEPT) this.#trails[trail] = this.#trails[trail].slice(-KEPT);
    }
  }

  async latest(limit: number, trail: AuditTrail): Promise<AuditEvent[]> {
    return this.#trails[trail].slice(-limit).reverse();
  }
}
