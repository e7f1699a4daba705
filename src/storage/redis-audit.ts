import type { AuditEvent, AuditStore } from '../ops/audit.js';
import type { RedisClient } from './redis.js';

const STREAM = 'audit';
/** Batches kept (approximately): at most about this many × the batch size of events. */
const MAX_BATCHES = 10_000;

/** The audit trail as a Redis stream of batches, trimmed to a bounded length on every write. */
export class RedisAudit implements AuditStore {
  constructor(private readonly redis: RedisClient) {}

  async append(events: AuditEvent[]): Promise<void> {
    await this.redis.xadd(STREAM, 'MAXLEN', '~', String(MAX_BATCHES), '*', 'events', JSON.stringify(events));
  }

  async latest(limit: number): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let end = '+';
    while (events.length < limit) {
      const batches = await this.redis.xrevrange(STREAM, end, '-', 'COUNT', '50');
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
