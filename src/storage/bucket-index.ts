/**
 * Small indexes kept as fields of shared hashes ("buckets") rather than a key each: a session's uid → its id,
 * an account → its grants. One key per entry costs ~200 bytes of Redis bookkeeping (key, expiry entry, table
 * slots) around a 50-byte value; a field of a small hash (listpack) costs its bytes plus a few. BUCKETS keeps a
 * bucket under Redis's listpack limit (128 fields) up to about a million entries; past that Redis converts a
 * bucket to a hash table, which still costs less than a key per entry.
 *
 * An entry's value is "<exp> <item> <item>…", exp in Unix seconds ('-': never) being the latest of its items'. An item
 * that expires before the entry carries its own: "<item>~<exp>". So an account that keeps signing in from new
 * browsers holds only its live grants, not every grant it ever had: every change to an entry drops its expired
 * items. An entry of one item (a session's uid, most accounts) reads "<exp> <item>", as in earlier versions, which
 * read this form without failing (an instance of one serves beside instances of this one during a rolling upgrade).
 * Redis cannot expire a field (not before 7.4), so every write to a bucket also drops the entries whose last item
 * has expired (read from the first word alone) and makes the bucket expire with its last entry: a bucket holds at
 * most its live entries plus those expired since its last write.
 */
import { crc32 } from 'node:zlib';
import type { RedisClient } from './redis.js';
import { epochSeconds } from '../epoch-seconds.js';

export const BUCKETS = 8192;

export type IndexName = 'SessionUids' | 'AccountGrants';

/** 'put': the entry becomes these items; 'add': they join it (its expiry only ever extends); 'drop': they leave it. */
export type EntryChange = 'put' | 'add' | 'drop';

const CHANGE_ENTRY = `
local key, now, field, change, exp = KEYS[1], tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local function live(e) return e == '-' or tonumber(e) > now end
local function later(a, b)
  if a == '-' or b == '-' then return '-' end
  if tonumber(a) >= tonumber(b) then return a end
  return b
end
local ids, exps = {}, {}
local function put(id, e)
  if exps[id] == nil then ids[#ids + 1] = id; exps[id] = e else exps[id] = later(exps[id], e) end
end
if change ~= 'put' then
  local current = redis.call('HGET', key, field)
  if current then
    local header
    for word in string.gmatch(current, '%S+') do
      if header == nil then header = word
      else
        local id, e = string.match(word, '^(.+)~(.+)$')
        if id then put(id, e) else put(word, header) end
      end
    end
  end
end
if change == 'drop' then
  for i = 5, #ARGV do exps[ARGV[i]] = nil end
else
  for i = 5, #ARGV do put(ARGV[i], exp) end
end
local kept, latest = {}, nil
for _, id in ipairs(ids) do
  local e = exps[id]
  if e ~= nil and live(e) then
    kept[#kept + 1] = id
    latest = latest and later(latest, e) or e
  end
end
if #kept == 0 then redis.call('HDEL', key, field)
else
  for i, id in ipairs(kept) do
    if exps[id] ~= latest then kept[i] = id .. '~' .. exps[id] end
  end
  redis.call('HSET', key, field, latest .. ' ' .. table.concat(kept, ' '))
end
local entries, last = redis.call('HGETALL', key), 0
for i = 1, #entries, 2 do
  local e = string.match(entries[i + 1], '^%S+')
  if e == '-' then last = -1
  elseif tonumber(e) <= now then redis.call('HDEL', key, entries[i])
  elseif last ~= -1 and tonumber(e) > last then last = tonumber(e) end
end
if last == -1 then redis.call('PERSIST', key) elseif last > 0 then redis.call('EXPIREAT', key, last) end
return #kept`;

type WithBuckets = RedisClient & {
  oidcChangeEntry(key: string, now: number, field: string, change: EntryChange, exp: string, ...items: string[]): Promise<number>;
};

/** Defines the script on a client, once. */
export function withBuckets<T extends RedisClient>(redis: T): T & WithBuckets {
  if (!('oidcChangeEntry' in redis)) redis.defineCommand('oidcChangeEntry', { numberOfKeys: 1, lua: CHANGE_ENTRY });
  return redis as T & WithBuckets;
}

export const bucketKey = (index: IndexName, field: string) => `oidc:${index}:{${crc32(field) % BUCKETS}}`;

/** The items of an entry whose expiry (their own, or else the entry's) is after `now`, in their order. Pure. */
export function liveItems(entry: string, now: number): string[] {
  const live = (exp: string | undefined) => exp === '-' || Number(exp) > now;
  const [header, ...words] = entry.split(' ');
  const items: string[] = [];
  for (const word of words) {
    const at = word.lastIndexOf('~');
    const [item, exp] = at < 0 ? [word, header] : [word.slice(0, at), word.slice(at + 1)];
    if (live(exp) && !items.includes(item)) items.push(item);
  }
  return items;
}

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

  /** The entry's items that have not expired. */
  async read(field: string): Promise<string[]> {
    const value = await this.#redis.hget(bucketKey(this.index, field), field);
    return value === null ? [] : liveItems(value, epochSeconds());
  }
}
