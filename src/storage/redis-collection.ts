import { Cluster } from 'ioredis';
import type { Collection, CollectionContent, CollectionSet } from './collection.js';
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

// Replaces whole collections in one script. KEYS: records, aliases, alias-of of each collection in turn.
// ARGV[1]: '1' to write only if every collection is empty (else the 1-based positions of those that are not);
// ARGV[1 + i]: the i-th collection's entries, a JSON array of [id, record JSON, alias or ''].
const REPLACE_ALL = `
local n = #KEYS / 3
if ARGV[1] == '1' then
  local busy = {}
  for i = 1, n do
    if redis.call('EXISTS', KEYS[3 * i - 2]) == 1 then busy[#busy + 1] = i end
  end
  if #busy > 0 then return busy end
end
for i = 1, n do
  local records, aliases, aliasOf = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  redis.call('DEL', records, aliases, aliasOf)
  for _, entry in ipairs(cjson.decode(ARGV[i + 1])) do
    redis.call('HSET', records, entry[1], entry[2])
    if entry[3] ~= '' then
      redis.call('HSET', aliases, entry[3], entry[1])
      redis.call('HSET', aliasOf, entry[1], entry[3])
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
}

function withCommands(redis: RedisClient): RedisClient & CollectionCommands {
  if (!('collectionInsert' in redis)) {
    redis.defineCommand('collectionInsert', { numberOfKeys: 3, lua: INSERT });
    redis.defineCommand('collectionReplace', { numberOfKeys: 1, lua: REPLACE });
    redis.defineCommand('collectionCompareAndReplace', { numberOfKeys: 1, lua: COMPARE_AND_REPLACE });
    redis.defineCommand('collectionRemove', { numberOfKeys: 3, lua: REMOVE });
    redis.defineCommand('collectionGetByAlias', { numberOfKeys: 2, lua: GET_BY_ALIAS });
    redis.defineCommand('collectionReplaceAll', { lua: REPLACE_ALL });
  }
  return redis as RedisClient & CollectionCommands;
}

/** A collection's three keys; the hash tag {name} puts them in one slot. */
const collectionKeys = (name: string) => [`{${name}}:records`, `{${name}}:aliases`, `{${name}}:alias-of`] as const;

const parse = <T>(json: string | null | undefined): T | undefined => (json == null ? undefined : (JSON.parse(json) as T));

export class RedisCollection<T> implements Collection<T> {
  readonly #redis: RedisClient & CollectionCommands;
  readonly #records: string;
  readonly #aliases: string;
  readonly #aliasOf: string;

  constructor(redis: RedisClient, name: string) {
    this.#redis = withCommands(redis);
    [this.#records, this.#aliases, this.#aliasOf] = collectionKeys(name);
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

  async entries(): Promise<[string, T][]> {
    return Object.entries(await this.#redis.hgetall(this.#records)).map(([id, v]) => [id, JSON.parse(v) as T]);
  }

  async insert(id: string, value: T, alias?: string): Promise<boolean> {
    const done = await this.#redis.collectionInsert(this.#records, this.#aliases, this.#aliasOf, id, JSON.stringify(value), alias ?? '');
    return done === 1;
  }

  async replace(id: string, value: T): Promise<boolean> {
    return (await this.#redis.collectionReplace(this.#records, id, JSON.stringify(value))) === 1;
  }

  async compareAndReplace(id: string, expected: T, next: T): Promise<boolean> {
    return (await this.#redis.collectionCompareAndReplace(this.#records, id, JSON.stringify(expected), JSON.stringify(next))) === 1;
  }

  async remove(id: string): Promise<T | undefined> {
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

  constructor(redis: RedisClient) {
    this.#redis = withCommands(redis);
  }

  collection<T>(name: string): RedisCollection<T> {
    return new RedisCollection<T>(this.#redis, name);
  }

  async replaceAll(contents: CollectionContent[], onlyIntoEmpty: boolean): Promise<{ busy: string[] }> {
    const args = (group: CollectionContent[], onlyEmpty: boolean) => [
      group.length * 3,
      ...group.flatMap((c) => collectionKeys(c.name)),
      onlyEmpty ? '1' : '0',
      ...group.map((c) => JSON.stringify(c.entries.map((e) => [e.id, JSON.stringify(e.value), e.alias ?? '']))),
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
