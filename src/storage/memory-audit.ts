import { AUDIT_TRAILS, trailOf, type AuditEvent, type AuditStore, type AuditTrail } from '../ops/audit.js';

const KEPT = 10_000;

/** The embedded default's audit trails: the newest 10,000 events of each. */
export class MemoryAudit implements AuditStore {
  #trails: Record<AuditTrail, AuditEvent[]> = { security: [], tokens: [] };

  async append(events: AuditEvent[]): Promise<void> {
    for (const event of events) this.#trails[trailOf(event.type)].push(event);
    for (const trail of AUDIT_TRAILS) {
      if (this.#trails[trail].length > KEPT) this.#trails[trail] = this.#trails[trail].slice(-KEPT);
    }
  }

  async latest(limit: number, trail: AuditTrail): Promise<AuditEvent[]> {
    return this.#trails[trail].slice(-limit).reverse();
  }
}
