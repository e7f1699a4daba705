import type { Collection } from './collection.js';
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

interface CollectionCommands {
  collectionInsert(records: string, aliases: string, aliasOf: string, id: string, json: string, alias: string): Promise<number>;
  collectionReplace(records: string, id: string, json: string): Promise<number>;
  collectionCompareAndReplace(records: string, id: string, expected: string, next: string): Promise<number>;
  collectionRemove(records: string, aliases: string, aliasOf: string, id: string): Promise<string | null>;
  collectionGetByAlias(records: string, aliases: string, alias: string): Promise<string | null>;
}

function withCommands(redis: RedisClient): RedisClient & CollectionCommands {
  if (!('collectionInsert' in redis)) {
    redis.defineCommand('collectionInsert', { numberOfKeys: 3, lua: INSERT });
    redis.defineCommand('collectionReplace', { numberOfKeys: 1, lua: REPLACE });
    redis.defineCommand('collectionCompareAndReplace', { numberOfKeys: 1, lua: COMPARE_AND_REPLACE });
    redis.defineCommand('collectionRemove', { numberOfKeys: 3, lua: REMOVE });
    redis.defineCommand('collectionGetByAlias', { numberOfKeys: 2, lua: GET_BY_ALIAS });
  }
  return redis as RedisClient & CollectionCommands;
}

const parse = <T>(json: string | null | undefined): T | undefined => (json == null ? undefined : (JSON.parse(json) as T));

export class RedisCollection<T> implements Collection<T> {
  readonly #redis: RedisClient & CollectionCommands;
  readonly #records: string;
  readonly #aliases: string;
  readonly #aliasOf: string;

  constructor(redis: RedisClient, name: string) {
    this.#redis = withCommands(redis);
    this.#records = `{${name}}:records`;
    this.#aliases = `{${name}}:aliases`;
    this.#aliasOf = `{${name}}:alias-of`;
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
