import { AUDIT_TRAILS, trailOf, type AuditEvent, type AuditStore, type AuditTrail } from '../ops/audit.js';
import type { RedisClient } from './redis.js';

/**
 * Each trail's stream and how many batches it keeps (approximately: `MAXLEN ~`). A batch holds up to 200 events of
 * ~200 B: the token trail at most ~40 MiB (the last ~100 s at 2,000 sign-ins/s, far longer on a quieter server); the
 * security trail, whose events are rare, up to 2 million.
 */
const STREAMS: Record<AuditTrail, { key: string; maxBatches: number }> = {
  security: { key: 'audit', maxBatches: 10_000 },
  tokens: { key: 'audit:tokens', maxBatches: 1_000 },
};

/** The audit trails as Redis streams of batches, each trimmed to its bounded length on every write. */
export class RedisAudit implements AuditStore {
  constructor(private readonly redis: RedisClient) {}

  async append(events: AuditEvent[]): Promise<void> {
    const writes: Promise<unknown>[] = [];
    for (const trail of AUDIT_TRAILS) {
      const { key, maxBatches } = STREAMS[trail];
      const batch = events.filter((e) => trailOf(e.type) === trail);
      if (batch.length) writes.push(this.redis.xadd(key, 'MAXLEN', '~', String(maxBatches), '*', 'events', JSON.stringify(batch)));
    }
    await Promise.all(writes);
  }

  async latest(limit: number, trail: AuditTrail): Promise<AuditEvent[]> {
    const { key } = STREAMS[trail];
    const events: AuditEvent[] = [];
    let end = '+';
    while (events.length < limit) {
      const batches = await this.redis.xrevrange(key, end, '-', 'COUNT', '50');
      if (!batches.length) break;
      for (const [, fields] of batches) {
        const json = fields[fields.indexOf('events') + 1];
        if (json) events.push(...(JSON.parse(json) as AuditEvent[]).reverse());
      }
      end = `(${batches[batches.length - 1]![0]}`;
    }
    return events.slice(0, limit);
  }
}
