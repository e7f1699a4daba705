import { Cluster } from 'ioredis';
import { indexChange, type Collection, type CollectionContent, type CollectionSet, type IndexEntry, type IndexOf, type IndexPage } from './collection.js';
import type { RedisClient } from './redis.js';

// Every key of a collection carries the hash tag {name}: one slot, so each script below is atomic on Cluster too.
const INSERT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
if ARGV[3] ~= '' then
  if redis.call('HEXISTS', KEYS[2], ARGV[3]) == 1 then return 0 end
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

const REPLACE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

// Compares the stored JSON text with the JSON of what the caller read (parse then stringify keeps it identical).
const COMPARE_AND_REPLACE = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

const REMOVE = `
local value = redis.call('HGET', KEYS[1], ARGV[1])
if not value then return false end
local alias = redis.call('HGET', KEYS[3], ARGV[1])
if alias then
  redis.call('HDEL', KEYS[2], alias)
  redis.call('HDEL', KEYS[3], ARGV[1])
end
redis.call('HDEL', KEYS[1], ARGV[1])
return value`;

const GET_BY_ALIAS = `
local id = redis.call('HGET', KEYS[2], ARGV[1])
if not id then return false end
return redis.call('HGET', KEYS[1], id)`;

// A collection with an index: each set is a sorted set {name}:index:SET (every score 0, so members in byte order),
// and {name}:indexes names the sets that hold members. The index changes in the script that changes the record.
// KEYS: records, aliases, alias-of, indexes, then the sets the change touches; the last ARGV is the change, a JSON
// array of [position of the set's key in KEYS, member, 1 to add or 0 to drop, set name].
const REINDEX = `
local function reindex(change)
  for _, step in ipairs(cjson.decode(change)) do
    local key = KEYS[step[1]]
    if step[3] == 1 then
      redis.call('ZADD', key, 0, step[2])
      redis.call('SADD', KEYS[4], step[4])
    else
      redis.call('ZREM', key, step[2])
      if redis.call('EXISTS', key) == 0 then redis.call('SREM', KEYS[4], step[4]) end
    end
  end
end
`;

// ARGV: id, record JSON, alias or '', change.
const INSERT_INDEXED = `${REINDEX}
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
if ARGV[3] ~= '' then
  if redis.call('HEXISTS', KEYS[2], ARGV[3]) == 1 then return 0 end
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
reindex(ARGV[4])
return 1`;

// ARGV: id, expected JSON, next JSON, change.
const COMPARE_AND_REPLACE_INDEXED = `${REINDEX}
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
reindex(ARGV[4])
return 1`;

// ARGV: id, expected JSON, change.
const COMPARE_AND_REMOVE_INDEXED = `${REINDEX}
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
local alias = redis.call('HGET', KEYS[3], ARGV[1])
if alias then
  redis.call('HDEL', KEYS[2], alias)
  redis.call('HDEL', KEYS[3], ARGV[1])
end
redis.call('HDEL', KEYS[1], ARGV[1])
reindex(ARGV[3])
return 1`;

// Replaces whole collections in one script. KEYS: records, aliases, alias-of, indexes of each collection in turn.
// ARGV[1]: '1' to write only if every collection is empty (else the 1-based positions of those that are not);
// ARGV[1 + i]: the i-th collection's entries, a JSON array of [id, record JSON, alias or '', index entries as
// [set, member] pairs]. An index set's key is its collection's records key with 'index:SET' for 'records' (the
// same hash tag, and the same key prefix ioredis gave the records key).
const REPLACE_ALL = `
local n = #KEYS / 4
if ARGV[1] == '1' then
  local busy = {}
  for i = 1, n do
    if redis.call('EXISTS', KEYS[4 * i - 3]) == 1 then busy[#busy + 1] = i end
  end
  if #busy > 0 then return busy end
end
for i = 1, n do
  local records, aliases, aliasOf, indexes = KEYS[4 * i - 3], KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i]
  local base = string.sub(records, 1, #records - #'records') .. 'index:'
  for _, set in ipairs(redis.call('SMEMBERS', indexes)) do redis.call('DEL', base .. set) end
  redis.call('DEL', records, aliases, aliasOf, indexes)
  for _, entry in ipairs(cjson.decode(ARGV[i + 1])) do
    redis.call('HSET', records, entry[1], entry[2])
    if entry[3] ~= '' then
      redis.call('HSET', aliases, entry[3], entry[1])
      redis.call('HSET', aliasOf, entry[1], entry[3])
    end
    for _, at in ipairs(entry[4]) do
      redis.call('ZADD', base .. at[1], 0, at[2])
      redis.call('SADD', indexes, at[1])
    end
  end
end
return {}`;

interface CollectionCommands {
  collectionInsert(records: string, aliases: string, aliasOf: string, id: string, json: string, alias: string): Promise<number>;
  collectionReplace(records: string, id: string, json: string): Promise<number>;
  collectionCompareAndReplace(records: string, id: string, expected: string, next: string): Promise<number>;
  collectionRemove(records: string, aliases: string, aliasOf: string, id: string): Promise<string | null>;
  collectionGetByAlias(records: string, aliases: string, alias: string): Promise<string | null>;
  collectionReplaceAll(numberOfKeys: number, ...keysAndArgs: string[]): Promise<number[]>;
  collectionInsertIndexed(numberOfKeys: number, ...keysAndArgs: string[]): Promise<number>;
  collectionCompareAndReplaceIndexed(numberOfKeys: number, ...keysAndArgs: string[]): Promise<number>;
  collectionCompareAndRemoveIndexed(numberOfKeys: number, ...keysAndArgs: string[]): Promise<number>;
}

function withCommands(redis: RedisClient): RedisClient & CollectionCommands {
  if (!('collectionInsert' in redis)) {
    redis.defineCommand('collectionInsert', { numberOfKeys: 3, lua: INSERT });
    redis.defineCommand('collectionReplace', { numberOfKeys: 1, lua: REPLACE });
    redis.defineCommand('collectionCompareAndReplace', { numberOfKeys: 1, lua: COMPARE_AND_REPLACE });
    redis.defineCommand('collectionRemove', { numberOfKeys: 3, lua: REMOVE });
    redis.defineCommand('collectionGetByAlias', { numberOfKeys: 2, lua: GET_BY_ALIAS });
    redis.defineCommand('collectionReplaceAll', { lua: REPLACE_ALL });
    redis.defineCommand('collectionInsertIndexed', { lua: INSERT_INDEXED });
    redis.defineCommand('collectionCompareAndReplaceIndexed', { lua: COMPARE_AND_REPLACE_INDEXED });
    redis.defineCommand('collectionCompareAndRemoveIndexed', { lua: COMPARE_AND_REMOVE_INDEXED });
  }
  return redis as RedisClient & CollectionCommands;
}

/** A collection's keys; the hash tag {name} puts them (and its index sets) in one slot. */
const collectionKeys = (name: string) => [`{${name}}:records`, `{${name}}:aliases`, `{${name}}:alias-of`, `{${name}}:indexes`] as const;
const indexSetKey = (name: string, set: string) => `{${name}}:index:${set}`;
/** Set when a collection's index covers every record (buildIndex). */
const indexBuiltKey = (name: string) => `{${name}}:index-built`;

const parse = <T>(json: string | null | undefined): T | undefined => (json == null ? undefined : (JSON.parse(json) as T));

export class RedisCollection<T> implements Collection<T> {
  readonly #redis: RedisClient & CollectionCommands;
  readonly #name: string;
  readonly #records: string;
  readonly #aliases: string;
  readonly #aliasOf: string;
  readonly #indexes: string;

  constructor(
    redis: RedisClient,
    name: string,
    private readonly index?: IndexOf<T>,
  ) {
    this.#redis = withCommands(redis);
    this.#name = name;
    [this.#records, this.#aliases, this.#aliasOf, this.#indexes] = collectionKeys(name);
  }

  async indexPage(set: string, offset: number, limit: number): Promise<IndexPage> {
    const key = indexSetKey(this.#name, set);
    if (!this.index || limit < 1) return { members: [], total: this.index ? await this.#redis.zcard(key) : 0 };
    const [members, total] = await Promise.all([this.#redis.zrange(key, String(offset), String(offset + limit - 1)), this.#redis.zcard(key)]);
    return { members, total };
  }

  /** The keys and the change argument of an indexed write: the record keys, then each set the change touches. */
  #indexed(before: T | undefined, after: T | undefined): { keys: string[]; change: string } {
    const { drop, add } = indexChange(this.index, before, after);
    const keys = [this.#records, this.#aliases, this.#aliasOf, this.#indexes];
    const position = new Map<string, number>();
    const at = (set: string) => {
      let p = position.get(set);
      if (p === undefined) position.set(set, (p = keys.push(indexSetKey(this.#name, set))));
      return p;
    };
    const steps = [...drop.map((e: IndexEntry) => [at(e.set), e.member, 0, e.set]), ...add.map((e: IndexEntry) => [at(e.set), e.member, 1, e.set])];
    return { keys, change: JSON.stringify(steps) };
  }

  /** Indexes every record written before the collection had its index; the number indexed (0 once done). */
  async buildIndex(): Promise<number> {
    if (!this.index || (await this.#redis.exists(indexBuiltKey(this.#name)))) return 0;
    let indexed = 0;
    for (const [id] of await this.entries()) {
      // Each record as it is now: one changed meanwhile indexed itself with its change (ZADD and ZREM repeat safely).
      for (let attempt = 0; attempt < 20; attempt++) {
        const current = await this.get(id);
        if (current === undefined) break;
        const { keys, change } = this.#indexed(undefined, current);
        const json = JSON.stringify(current);
        if ((await this.#redis.collectionCompareAndReplaceIndexed(keys.length, ...keys, id, json, json, change)) === 1) {
          indexed++;
          break;
        }
      }
    }
    await this.#redis.set(indexBuiltKey(this.#name), '1');
    return indexed;
  }

  async get(id: string): Promise<T | undefined> {
    return parse<T>(await this.#redis.hget(this.#records, id));
  }

  async getByAlias(alias: string): Promise<T | undefined> {
    return parse<T>(await this.#redis.collectionGetByAlias(this.#records, this.#aliases, alias));
  }

  async list(): Promise<T[]> {
    return (await this.#redis.hvals(this.#records)).map((v) => JSON.parse(v) as T);
  }

  count(): Promise<number> {
    return this.#redis.hlen(this.#records);
  }

  async entries(): Promise<[string, T][]> {
    return Object.entries(await this.#redis.hgetall(this.#records)).map(([id, v]) => [id, JSON.parse(v) as T]);
  }

  async insert(id: string, value: T, alias?: string): Promise<boolean> {
    if (this.index) {
      const { keys, change } = this.#indexed(undefined, value);
      return (await this.#redis.collectionInsertIndexed(keys.length, ...keys, id, JSON.stringify(value), alias ?? '', change)) === 1;
    }
    const done = await this.#redis.collectionInsert(this.#records, this.#aliases, this.#aliasOf, id, JSON.stringify(value), alias ?? '');
    return done === 1;
  }

  async replace(id: string, value: T): Promise<boolean> {
    if (this.index) {
      // The index change needs the record it replaces: replaced over what was read, read again if it changed.
      for (;;) {
        const current = await this.get(id);
        if (current === undefined) return false;
        if (await this.compareAndReplace(id, current, value)) return true;
      }
    }
    return (await this.#redis.collectionReplace(this.#records, id, JSON.stringify(value))) === 1;
  }

  async compareAndReplace(id: string, expected: T, next: T): Promise<boolean> {
    if (this.index) {
      const { keys, change } = this.#indexed(expected, next);
      return (await this.#redis.collectionCompareAndReplaceIndexed(keys.length, ...keys, id, JSON.stringify(expected), JSON.stringify(next), change)) === 1;
    }
    return (await this.#redis.collectionCompareAndReplace(this.#records, id, JSON.stringify(expected), JSON.stringify(next))) === 1;
  }

  async remove(id: string): Promise<T | undefined> {
    if (this.index) {
      for (;;) {
        const current = await this.get(id);
        if (current === undefined) return undefined;
        const { keys, change } = this.#indexed(current, undefined);
        if ((await this.#redis.collectionCompareAndRemoveIndexed(keys.length, ...keys, id, JSON.stringify(current), change)) === 1) return current;
      }
    }
    return parse<T>(await this.#redis.collectionRemove(this.#records, this.#aliases, this.#aliasOf, id));
  }
}

/**
 * The collections on Redis. Standalone and Sentinel replace several collections in one script: atomic. On Cluster
 * each collection is its own slot and no command spans slots: every collection is checked first, then each is
 * replaced by its own atomic script, in order; an outage between two of them leaves the earlier ones replaced
 * (run the same replacement again to finish it).
 */
export class RedisCollectionSet implements CollectionSet {
  readonly #redis: RedisClient & CollectionCommands;
  /** The collections given an index: every collection of that name written through this set keeps it. */
  readonly #indexes = new Map<string, IndexOf<unknown>>();

  constructor(redis: RedisClient) {
    this.#redis = withCommands(redis);
  }

  collection<T>(name: string, index?: IndexOf<T>): RedisCollection<T> {
    if (index) this.#indexes.set(name, index as IndexOf<unknown>);
    return new RedisCollection<T>(this.#redis, name, this.#indexes.get(name) as IndexOf<T> | undefined);
  }

  buildIndex(name: string): Promise<number> {
    return this.collection(name).buildIndex();
  }

  async replaceAll(contents: CollectionContent[], onlyIntoEmpty: boolean): Promise<{ busy: string[] }> {
    const indexOf = (name: string, value: unknown) => (this.#indexes.get(name)?.(value) ?? []).map((e) => [e.set, e.member]);
    const args = (group: CollectionContent[], onlyEmpty: boolean) => [
      group.length * 4,
      ...group.flatMap((c) => collectionKeys(c.name)),
      onlyEmpty ? '1' : '0',
      ...group.map((c) => JSON.stringify(c.entries.map((e) => [e.id, JSON.stringify(e.value), e.alias ?? '', indexOf(c.name, e.value)]))),
    ] as const;
    const run = async (group: CollectionContent[], onlyEmpty: boolean) => {
      const [count, ...rest] = args(group, onlyEmpty);
      const busy = await this.#redis.collectionReplaceAll(count, ...rest);
      return { busy: busy.map((i) => group[i - 1]!.name) };
    };
    if (!(this.#redis instanceof Cluster)) return run(contents, onlyIntoEmpty);
    if (onlyIntoEmpty) {
      const sizes = await Promise.all(contents.map((c) => this.#redis.hlen(collectionKeys(c.name)[0])));
      const busy = contents.filter((_, i) => sizes[i]! > 0).map((c) => c.name);
      if (busy.length) return { busy };
    }
    for (const content of contents) {
      const { busy } = await run([content], onlyIntoEmpty);
      if (busy.length) return { busy };
    }
    return { busy: [] };
  }
}
