/**
 * Small indexes kept as fields of shared hashes ("buckets") rather than a key each: a session's uid → its id,
 * an account → its grants. One key per entry costs ~200 bytes of Redis bookkeeping (key, expiry entry, table
 * slots) around a 50-byte value; a field of a small hash (listpack) costs its bytes plus a few. BUCKETS keeps a
 * bucket under Redis's listpack limit (128 fields) up to about a million entries; past that Redis converts a
 * bucket to a hash table, which still costs less than a key per entry.
 *
 * An entry's value is "<exp> <item>~<exp> <item>~<exp>…", the first exp in Unix seconds ('-': never) being the latest
 * of its items'; an item without its own takes the entry's (the form earlier versions wrote). An entry of one item (a
 * session's uid, most accounts) reads "<exp> <item>", as in earlier versions, which read this form without failing
 * (an instance of one serves beside instances of this one during a rolling upgrade).
 * A full pass over an entry (parse, drop the expired items, write it back) costs Redis time per item, and an
 * account that signs in from new browsers over and over (a load test on a few accounts, a synthetic-login monitor)
 * holds a grant per sign-in for the grant's lifetime: thousands of items, milliseconds per consent with Redis
 * blocked. So adding one item to a long entry appends it, and the full pass that drops the expired items runs on a
 * random share of those writes (FULL_PASS_ITEMS / items): ~FULL_PASS_ITEMS items' work per write whatever the
 * entry's length, and an entry holds its live items plus those expired since its last pass. (A long entry an earlier
 * version wrote gets the full pass at its next change when its last item lacks an expiry of its own; another of its
 * items lacking one would read as living until the entry's newest expiry: a listed grant that is gone is skipped and
 * dropped by the consent listing.)
 * Redis cannot expire a field (not before 7.4), so every full pass also drops the bucket's entries whose last item
 * has expired (read from the first word alone) and makes the bucket expire with its last entry (an appending write
 * only extends that): a bucket holds at most its live entries plus those expired since its last full pass.
 */
import { crc32 } from 'node:zlib';
import type { RedisClient } from './redis.js';
import { epochSeconds } from '../time.js';

export const BUCKETS = 8192;

export type IndexName = 'SessionUids' | 'AccountGrants' | 'AccountSessions';

/** 'put': the entry becomes these items; 'add': they join it (its expiry only ever extends); 'drop': they leave it. */
export type EntryChange = 'put' | 'add' | 'drop';

/** Entries up to this many items get a full pass on every change; longer ones on a share of their additions. */
export const FULL_PASS_ITEMS = 32;

const CHANGE_ENTRY = `
local key, now, field, change, exp, draw = KEYS[1], tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local FIRST, FULL = 6, ${FULL_PASS_ITEMS}
local current = change ~= 'put' and redis.call('HGET', key, field) or nil
-- One item joining a long entry: appended, unless this write draws the full pass. Only the entry's ends are read
-- (a scan of the whole entry costs as much as the pass): its last item must carry its own expiry, as every item of an
-- entry this version wrote does; and the item must not be there already.
if change == 'add' and #ARGV == FIRST and exp ~= '-' and current then
  local id, gap = ARGV[FIRST], string.find(current, ' ', 1, true)
  local head = gap and string.sub(current, 1, gap - 1)
  local header = head and tonumber(head)
  local items = #current / (#id + 12)
  if header and items > FULL and draw * items >= FULL and string.find(string.sub(current, -12), '~%d+$')
      and not string.find(current, ' ' .. id .. '~', 1, true) then
    local latest = tonumber(exp) > header and exp or head
    redis.call('HSET', key, field, latest .. string.sub(current, gap) .. ' ' .. id .. '~' .. exp)
    redis.call('EXPIREAT', key, tonumber(latest), 'GT')
    return -1
  end
end
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
  for i = FIRST, #ARGV do exps[ARGV[i]] = nil end
else
  for i = FIRST, #ARGV do put(ARGV[i], exp) end
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
  -- Every item of a longer entry carries its expiry, so a later one can be appended without rewriting the rest.
  if #kept > 1 then
    for i, id in ipairs(kept) do kept[i] = id .. '~' .. exps[id] end
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
  oidcChangeEntry(key: string, now: number, field: string, change: EntryChange, exp: string, draw: number, ...items: string[]): Promise<number>;
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

  /** `draw`: a number in [0, 1) per change, which decides whether an addition to a long entry gets the full pass. */
  constructor(
    redis: RedisClient,
    private readonly index: IndexName,
    private readonly draw: () => number = Math.random,
  ) {
    this.#redis = withBuckets(redis);
  }

  /** `exp`: Unix seconds, or undefined for an entry that never expires. */
  async change(field: string, change: EntryChange, items: string[], exp?: number): Promise<void> {
    await this.#redis.oidcChangeEntry(bucketKey(this.index, field), epochSeconds(), field, change, exp === undefined ? '-' : String(exp), this.draw(), ...items);
  }

  /** The entry's items that have not expired. */
  async read(field: string): Promise<string[]> {
    const value = await this.#redis.hget(bucketKey(this.index, field), field);
    return value === null ? [] : liveItems(value, epochSeconds());
  }
}
