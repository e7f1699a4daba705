import { USAGE_DAYS_KEPT, type UsageBatch, type UsageStore } from './usage.js';
import type { RedisClient } from '../storage/redis.js';

// One hash per day; every key shares the hash tag {usage}, so one pipeline serves a batch on Cluster too.
const dayKey = (day: string) => `{usage}:${day}`;
const LAST = 'last|';

/** Usage counts as Redis hashes: `<response type>|<client>` → count, `last|<client>` → epoch ms; each day expires. */
export class RedisUsage implements UsageStore {
  constructor(private readonly redis: RedisClient) {}

  async add(batch: UsageBatch): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const [day, { counts, last }] of batch) {
      const key = dayKey(day);
      for (const [field, n] of counts) pipeline.hincrby(key, field, n);
      for (const [clientId, ms] of last) pipeline.hset(key, `${LAST}${clientId}`, String(ms));
      pipeline.expire(key, USAGE_DAYS_KEPT * 86_400);
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
  }

  async read(days: string[]): Promise<UsageBatch> {
    const pipeline = this.redis.pipeline();
    for (const day of days) pipeline.hgetall(dayKey(day));
    const results = (await pipeline.exec()) ?? [];
    const batch: UsageBatch = new Map();
    results.forEach(([err, value], i) => {
      if (err) throw err;
      const counts = new Map<string, number>();
      const last = new Map<string, number>();
      for (const [field, text] of Object.entries(value as Record<string, string>)) {
        if (field.startsWith(LAST)) last.set(field.slice(LAST.length), Number(text));
        else counts.set(field, Number(text));
      }
      if (counts.size || last.size) batch.set(days[i]!, { counts, last });
    });
    return batch;
  }
}
