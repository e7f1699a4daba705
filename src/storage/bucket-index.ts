/**
 * Small indexes kept as fields of shared hashes ("buckets") rather than a key each: a session's uid → its id,
 * an account → its grants. One key per entry costs ~200 bytes of Redis bookkeeping (key, expiry entry, table
 * slots) around a 50-byte value; a field of a small hash (listpack) costs its bytes plus a few. BUCKETS keeps a
 * bucket under Redis's listpack limit (128 fields) up to about a million entries; past that Redis converts a
 * bucket to a hash table, which still costs less than a key per entry.
 *
 * An entry's value is "<exp> <item> <item>…", exp in Unix seconds ('-': never). Redis cannot expire a field
 * (not before 7.4), so every write to a bucket drops the entries past their expiry and makes the bucket expire
 * with its last entry: a bucket holds at most its live entries plus those expired since its last write.
 */
import { crc32 } from 'node:zlib';
import type { RedisClient } from './redis.js';

export const BUCKETS = 8192;

export type IndexName = 'SessionUids' | 'AccountGrants';

/** 'put': the entry becomes these items; 'add': they join it (its expiry only ever extends); 'drop': they leave it. */
export type EntryChange = 'put' | 'add' | 'drop';

const CHANGE_ENTRY = `
local key, now, field, change, exp = KEYS[1], tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local items, seen = {}, {}
if change ~= 'put' then
  local current = redis.call('HGET', key, field)
  if current then
    local was
    for word in string.gmatch(current, '%S+') do
      if was == nil then was = word else items[#items + 1] = word; seen[word] = true end
    end
    if change == 'drop' or was == '-' or (exp ~= '-' and tonumber(was) > tonumber(exp)) then exp = was end
  end
end
if change == 'drop' then
  local dropped, left = {}, {}
  for i = 5, #ARGV do dropped[ARGV[i]] = true end
  for _, item in ipairs(items) do if not dropped[item] then left[#left + 1] = item end end
  items = left
else
  for i = 5, #ARGV do if not seen[ARGV[i]] then items[#items + 1] = ARGV[i]; seen[ARGV[i]] = true end end
end
if #items == 0 then redis.call('HDEL', key, field) else redis.call('HSET', key, field, exp .. ' ' .. table.concat(items, ' ')) end
local entries, last = redis.call('HGETALL', key), 0
for i = 1, #entries, 2 do
  local e = string.match(entries[i + 1], '^%S+')
  if e == '-' then last = -1
  elseif tonumber(e) <= now then redis.call('HDEL', key, entries[i])
  elseif last ~= -1 and tonumber(e) > last then last = tonumber(e) end
end
if last == -1 then redis.call('PERSIST', key) elseif last > 0 then redis.call('EXPIREAT', key, last) end
return #items`;

type WithBuckets = RedisClient & {
  oidcChangeEntry(key: string, now: number, field: string, change: EntryChange, exp: string, ...items: string[]): Promise<number>;
};

/** Defines the script on a client, once. */
export function withBuckets<T extends RedisClient>(redis: T): T & WithBuckets {
  if (!('oidcChangeEntry' in redis)) redis.defineCommand('oidcChangeEntry', { numberOfKeys: 1, lua: CHANGE_ENTRY });
  return redis as T & WithBuckets;
}

export const bucketKey = (index: IndexName, field: string) => `oidc:${index}:{${crc32(field) % BUCKETS}}`;

const epochSeconds = () => Math.floor(Date.now() / 1000);

export class BucketIndex {
  readonly #redis: WithBuckets;

  constructor(
    redis: RedisClient,
    private readonly index: IndexName,
  ) {
    this.#redis = withBuckets(redis);
  }

  /** `exp`: Unix seconds, or undefined for an entry that never expires. */
  async change(field: string, change: EntryChange, items: string[], exp?: number): Promise<void> {
    await this.#redis.oidcChangeEntry(bucketKey(this.index, field), epochSeconds(), field, change, exp === undefined ? '-' : String(exp), ...items);
  }

  /** The entry's items, or none once it has expired. */
  async read(field: string): Promise<string[]> {
    const value = await this.#redis.hget(bucketKey(this.index, field), field);
    if (value === null) return [];
    const [exp, ...items] = value.split(' ');
    return exp !== '-' && Number(exp) <= epochSeconds() ? [] : items;
  }
}
