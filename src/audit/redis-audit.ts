import { AUDIT_TRAILS, trailOf, type AuditEvent, type AuditStore, type AuditTrail } from './audit.js';
import type { RedisClient } from '../storage/redis.js';

/**
 * Events are packed into stream entries of at most ENTRY_BYTES of JSON, and each trail keeps a bounded number of
 * entries: a trail's size in Redis is bounded in bytes (entries × ENTRY_BYTES, plus Redis's own overhead), whatever
 * the events hold. Any one bounded event (MAX_EVENT_BYTES) fits in an entry.
 */
export const ENTRY_BYTES = 8 * 1024;

/**
 * Each trail's stream and its entries. `MAXLEN ~` trims whole stream nodes, and a node holds at most 4 KiB of
 * entries or one larger entry (Redis's stream-node-max-bytes), so a trail exceeds its count by at most a node.
 */
export const AUDIT_STREAMS: Record<AuditTrail, { key: string; maxEntries: number }> = {
  admin: { key: 'audit', maxEntries: 8_192 },
  signin: { key: 'audit:signin', maxEntries: 1_024 },
  tokens: { key: 'audit:tokens', maxEntries: 4_096 },
};

/** Redis's per-entry and per-node bookkeeping beside the JSON, with room to spare (stream IDs, listpack headers, the radix tree). */
const ENTRY_OVERHEAD = 512;
const NODE_SLACK = 4096 + ENTRY_BYTES;

/** The stated bound on one trail's stream in Redis, in bytes (what MEMORY USAGE reports for its key). */
export const trailBoundBytes = (trail: AuditTrail): number => AUDIT_STREAMS[trail].maxEntries * (ENTRY_BYTES + ENTRY_OVERHEAD) + NODE_SLACK;

/** The events as JSON arrays of at most ENTRY_BYTES each, in order. */
export function packEntries(events: AuditEvent[]): string[] {
  const entries: string[] = [];
  let parts: string[] = [];
  let bytes = 2;
  for (const event of events) {
    const json = JSON.stringify(event);
    const size = Buffer.byteLength(json) + 1;
    if (parts.length && bytes + size > ENTRY_BYTES) {
      entries.push(`[${parts.join(',')}]`);
      parts = [];
      bytes = 2;
    }
    parts.push(json);
    bytes += size;
  }
  if (parts.length) entries.push(`[${parts.join(',')}]`);
  return entries;
}

/** The audit trails as Redis streams of packed events, each trimmed to its bounded length on every write. */
export class RedisAudit implements AuditStore {
  constructor(private readonly redis: RedisClient) {}

  async append(events: AuditEvent[]): Promise<void> {
    const writes: Promise<unknown>[] = [];
    for (const trail of AUDIT_TRAILS) {
      const { key, maxEntries } = AUDIT_STREAMS[trail];
      for (const entry of packEntries(events.filter((e) => trailOf(e) === trail))) {
        writes.push(this.redis.xadd(key, 'MAXLEN', '~', String(maxEntries), '*', 'events', entry));
      }
    }
    await Promise.all(writes);
  }

  async latest(limit: number, trail: AuditTrail): Promise<AuditEvent[]> {
    const { key } = AUDIT_STREAMS[trail];
    const events: AuditEvent[] = [];
    let end = '+';
    while (events.length < limit) {
      const entries = await this.redis.xrevrange(key, end, '-', 'COUNT', '50');
      if (!entries.length) break;
      for (const [, fields] of entries) {
        const json = fields[fields.indexOf('events') + 1];
        if (json) events.push(...(JSON.parse(json) as AuditEvent[]).reverse());
      }
      end = `(${entries[entries.length - 1]![0]}`;
    }
    return events.slice(0, limit);
  }
}
