/**
 * oidc-provider's storage on Redis. One string per record (compact-records.ts: JSON, or for Sessions and Grants
 * a JSON array), `SET … EX` with the expiry oidc-provider passes, so no record outlives it. Keys are hash-tagged
 * by record id, so every command names one slot and works on Cluster. A session's uid and an account's grants
 * are indexed in shared hashes (bucket-index.ts).
 *
 * The per-grant token index is a sorted set scored by expiry, made by the grant's first token. It expires with
 * its longest-lived token (`EXPIRE … NX` gives a new index its first expiry, `EXPIRE … GT` only ever extends it),
 * and every TRIM_EVERY-th token write drops the expired members: it never holds more than the grant's live
 * tokens plus a few expired ones, and a signed-in user without live tokens costs no index at all.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { BucketIndex } from './bucket-index.js';
import { decodeRecord, encodeRecord } from './compact-records.js';
import type { RedisClient } from './redis.js';
import { UnchangedSessions } from './unchanged-sessions.js';

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** Expired members are dropped on one token write in this many: a few expired members linger, for fewer commands per token. */
export const TRIM_EVERY = 8;

// Marks a record consumed without re-encoding it: a later duplicate key wins in JSON.parse, and the TTL stays.
const CONSUME = `
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
redis.call('SET', KEYS[1], string.sub(value, 1, -2) .. ',"consumed":' .. ARGV[1] .. '}', 'KEEPTTL')
return 1`;

export const recordKey = (model: string, id: string) => `oidc:${model}:{${id}}`;
export const grantIndexKey = (grantId: string) => `oidc:Grant:{${grantId}}:tokens`;
const userCodeKey = (userCode: string) => `oidc:UserCode:{${userCode}}`;

type WithConsume = RedisClient & { oidcConsume(key: string, now: number): Promise<number> };

function withConsume(redis: RedisClient): WithConsume {
  if (!('oidcConsume' in redis)) redis.defineCommand('oidcConsume', { numberOfKeys: 1, lua: CONSUME });
  return redis as WithConsume;
}

const epochSeconds = () => Math.floor(Date.now() / 1000);

/** Sessions by uid (oidc-provider's findByUid): the uid's entry holds the session's id. */
export const sessionUids = (redis: RedisClient) => new BucketIndex(redis, 'SessionUids');
/** An account's grants (its consents): what `user consents` lists and revokes. */
export const accountGrants = (redis: RedisClient) => new BucketIndex(redis, 'AccountGrants');

export class RedisAdapter implements Adapter {
  readonly #redis: WithConsume;
  readonly #model: string;
  readonly #sessions: UnchangedSessions | undefined;
  readonly #uids: BucketIndex;
  readonly #accountGrants: BucketIndex;
  #tokenWrites = 0;

  constructor(redis: RedisClient, model: string) {
    this.#redis = withConsume(redis);
    this.#model = model;
    this.#sessions = model === 'Session' ? new UnchangedSessions() : undefined;
    this.#uids = sessionUids(redis);
    this.#accountGrants = accountGrants(redis);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    if (this.#sessions?.unchanged(id, payload)) return;
    this.#sessions?.forget(id);
    const redis = this.#redis;
    const key = recordKey(this.#model, id);
    const value = encodeRecord(this.#model, id, payload);
    const ttl = typeof expiresIn === 'number' && expiresIn > 0 ? Math.ceil(expiresIn) : undefined;
    const writes: Promise<unknown>[] = [ttl ? redis.set(key, value, 'EX', ttl) : redis.set(key, value)];
    const exp = ttl ? epochSeconds() + ttl : undefined;

    // Only consent writes a grant, never the silent path.
    if (this.#model === 'Grant' && typeof payload.accountId === 'string') writes.push(this.#accountGrants.change(payload.accountId, 'add', [id], exp));
    if (this.#model === 'Session' && payload.uid) writes.push(this.#uids.change(payload.uid, 'put', [id], exp));
    if (payload.userCode) {
      writes.push(ttl ? redis.set(userCodeKey(payload.userCode), id, 'EX', ttl) : redis.set(userCodeKey(payload.userCode), id));
    }
    if (GRANTABLE.has(this.#model) && payload.grantId) {
      const index = grantIndexKey(payload.grantId);
      const now = Date.now();
      writes.push(redis.zadd(index, ttl ? now + ttl * 1000 : '+inf', key));
      if (ttl) writes.push(redis.expire(index, ttl, 'NX'), redis.expire(index, ttl, 'GT'));
      else writes.push(redis.persist(index));
      if (++this.#tokenWrites % TRIM_EVERY === 0) writes.push(redis.zremrangebyscore(index, '-inf', `(${now}`));
    }
    // Written back to back, so they travel together; each is one key (Cluster).
    await Promise.all(writes);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const value = await this.#redis.get(recordKey(this.#model, id));
    const payload = value === null ? undefined : decodeRecord(this.#model, id, value);
    this.#sessions?.read(id, payload && { stored: value!, payload });
    return payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const [id] = await this.#uids.read(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = await this.#redis.get(userCodeKey(userCode));
    return id === null ? undefined : this.find(id);
  }

  async consume(id: string): Promise<void> {
    await this.#redis.oidcConsume(recordKey(this.#model, id), epochSeconds());
  }

  async destroy(id: string): Promise<void> {
    this.#sessions?.forget(id);
    const key = recordKey(this.#model, id);
    const redis = this.#redis;
    if (this.#model === 'Grant') {
      await Promise.all([redis.del(key), redis.del(grantIndexKey(id))]);
      return;
    }
    const payload = await this.find(id);
    const deletes: Promise<unknown>[] = [redis.del(key)];
    if (payload?.uid && this.#model === 'Session') deletes.push(this.#uids.change(payload.uid, 'drop', [id]));
    if (payload?.userCode) deletes.push(redis.del(userCodeKey(payload.userCode)));
    if (payload?.grantId && GRANTABLE.has(this.#model)) deletes.push(redis.zrem(grantIndexKey(payload.grantId), key));
    await Promise.all(deletes);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const index = grantIndexKey(grantId);
    const members = await this.#redis.zrange(index, '0', '-1');
    // Tokens live in other slots: one DEL each (pipelined), then the index without them.
    await Promise.all(members.map((key) => this.#redis.del(key)));
    if (members.length) await this.#redis.zrem(index, ...members);
  }
}

export const redisAdapterFactory = (redis: RedisClient) => (model: string) => new RedisAdapter(redis, model);
