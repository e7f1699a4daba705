/**
 * oidc-provider's storage on Redis. One string per record (compact-records.ts: JSON, or for Sessions and Grants
 * a JSON array), `SET … EX` with the expiry oidc-provider passes, so no record outlives it. Keys are hash-tagged
 * by record id, so every command names one slot and works on Cluster. A session's uid and an account's grants
 * are indexed in shared hashes (bucket-index.ts). A grant's tokens are revoked by a mark on the grant, not
 * through an index of them (grant-revocations.ts): issuing a token is one `SET`.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { accountGrants, grantItem } from './account-grants.js';
import { BucketIndex } from './bucket-index.js';
import { decodeRecord, encodeRecord } from './compact-records.js';
import { grantRevocations, NO_MARK, revocationKey, type GrantRevocations } from './grant-revocations.js';
import type { RedisClient } from './redis.js';
import { UnchangedSessions } from './unchanged-sessions.js';
import { epochSeconds } from '../epoch-seconds.js';

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** Where a token keeps the revocation mark its grant had when it was issued (only when the grant has one). */
const MARK_FIELD = '~grantMark';

/**
 * A grant read with its mark to check a token, kept on the request being handled (the `currentRequest` the server
 * passes: oidc-provider's `Provider.ctx`) for that request's own read of the grant, which comes next (userinfo and
 * introspection load the token's grant): one round trip for both, not two. Read once, by the same request, so it
 * is never older than the check. Without a request (the command line, tests), every read goes to Redis.
 */
const GRANT_READ = Symbol('grant read with a token');
type GrantRead = { id: string; value: string | null; mark: string | null };
/**
 * A token bound to its session (`expiresWithSession`, as every access token of the implicit flow is) is checked
 * next by oidc-provider reading that session by uid: the uid's entry is read beside the grant, in the same round
 * trip, and kept on the request for that read, under the same rules as the grant.
 */
const UID_READ = Symbol('session uid read with a token');
type UidRead = { id: string; ids: Promise<string[]> };
type Request = { [GRANT_READ]?: GrantRead; [UID_READ]?: UidRead };

// Marks a record consumed without re-encoding it: a later duplicate key wins in JSON.parse, and the TTL stays.
const CONSUME = `
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
redis.call('SET', KEYS[1], string.sub(value, 1, -2) .. ',"consumed":' .. ARGV[1] .. '}', 'KEEPTTL')
return 1`;

export const recordKey = (model: string, id: string) => `oidc:${model}:{${id}}`;
const userCodeKey = (userCode: string) => `oidc:UserCode:{${userCode}}`;

type WithConsume = RedisClient & { oidcConsume(key: string, now: number): Promise<number> };

function withConsume(redis: RedisClient): WithConsume {
  if (!('oidcConsume' in redis)) redis.defineCommand('oidcConsume', { numberOfKeys: 1, lua: CONSUME });
  return redis as WithConsume;
}

/** Sessions by uid (oidc-provider's findByUid): the uid's entry holds the session's id. */
export const sessionUids = (redis: RedisClient) => new BucketIndex(redis, 'SessionUids');

export class RedisAdapter implements Adapter {
  readonly #redis: WithConsume;
  readonly #model: string;
  readonly #sessions: UnchangedSessions | undefined;
  readonly #uids: BucketIndex;
  readonly #accountGrants: BucketIndex;
  readonly #revocations: GrantRevocations;

  constructor(
    redis: RedisClient,
    model: string,
    private readonly currentRequest: () => object | undefined = () => undefined,
  ) {
    this.#redis = withConsume(redis);
    this.#model = model;
    this.#sessions = model === 'Session' ? new UnchangedSessions() : undefined;
    this.#uids = sessionUids(redis);
    this.#accountGrants = accountGrants(redis);
    this.#revocations = grantRevocations(redis);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    if (this.#sessions?.unchanged(id, payload)) return;
    this.#sessions?.forget(id);
    const redis = this.#redis;
    const key = recordKey(this.#model, id);
    const grantId = GRANTABLE.has(this.#model) ? payload.grantId : undefined;
    const mark = grantId ? await this.#revocations.forNewToken(grantId) : NO_MARK;
    const value = encodeRecord(this.#model, id, mark === NO_MARK ? payload : { ...payload, [MARK_FIELD]: mark });
    const ttl = typeof expiresIn === 'number' && expiresIn > 0 ? Math.ceil(expiresIn) : undefined;
    const writes: Promise<unknown>[] = [ttl ? redis.set(key, value, 'EX', ttl) : redis.set(key, value)];
    const exp = ttl ? epochSeconds() + ttl : undefined;

    // Only consent writes a grant, never the silent path. A revocation mark lives at least as long as its grant.
    if (this.#model === 'Grant') {
      const markKey = revocationKey(id);
      writes.push(ttl ? redis.expire(markKey, ttl, 'GT') : redis.persist(markKey));
      if (typeof payload.accountId === 'string') {
        const clientId = typeof payload.clientId === 'string' ? payload.clientId : undefined;
        writes.push(this.#accountGrants.change(payload.accountId, 'add', [grantItem(id, clientId)], exp));
      }
    }
    if (this.#model === 'Session' && payload.uid) writes.push(this.#uids.change(payload.uid, 'put', [id], exp));
    if (payload.userCode) {
      writes.push(ttl ? redis.set(userCodeKey(payload.userCode), id, 'EX', ttl) : redis.set(userCodeKey(payload.userCode), id));
    }
    // Written back to back, so they travel together; each is one key (Cluster).
    await Promise.all(writes);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.#model === 'Grant') {
      const { value, mark } = this.#takeKept(GRANT_READ, id) ?? (await this.#readGrant(id));
      if (value === null) return undefined;
      this.#revocations.seen(id, mark);
      return decodeRecord('Grant', id, value);
    }
    const value = await this.#redis.get(recordKey(this.#model, id));
    const payload = value === null ? undefined : decodeRecord(this.#model, id, value);
    this.#sessions?.read(id, payload && { stored: value!, payload });
    if (payload && GRANTABLE.has(this.#model) && typeof payload.grantId === 'string') {
      const recorded = typeof payload[MARK_FIELD] === 'string' ? (payload[MARK_FIELD] as string) : NO_MARK;
      delete payload[MARK_FIELD];
      const request = this.currentRequest() as Request | undefined;
      const uidRead = request && payload.expiresWithSession === true && typeof payload.sessionUid === 'string' ? this.#readUid(payload.sessionUid) : undefined;
      // Read every time, never remembered: another instance may have revoked the grant a moment ago.
      const grant = await this.#readGrant(payload.grantId);
      if ((grant.mark ?? NO_MARK) !== recorded) return undefined;
      if (request) {
        request[GRANT_READ] = grant;
        if (uidRead) request[UID_READ] = uidRead;
      }
    }
    return payload;
  }

  /** The grant and its revocation mark, in one command (they share a slot). */
  async #readGrant(id: string): Promise<GrantRead> {
    const [value = null, mark = null] = await this.#redis.mget(recordKey('Grant', id), revocationKey(id));
    return { id, value, mark };
  }

  /** The uid's entry, read now; its failure is its reader's to see, and nobody's when it is never read. */
  #readUid(uid: string): UidRead {
    const ids = this.#uids.read(uid);
    ids.catch(() => undefined);
    return { id: uid, ids };
  }

  /** What this request kept under `key` for a read of `id`, taken off it: a kept read serves once. */
  #takeKept<K extends keyof Request>(key: K, id: string): Request[K] | undefined {
    const request = this.currentRequest() as Request | undefined;
    const kept = request?.[key];
    if (kept?.id !== id) return undefined;
    delete request![key];
    return kept;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const [id] = await (this.#takeKept(UID_READ, uid)?.ids ?? this.#uids.read(uid));
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
    const key = recordKey(this.#model, id);
    const redis = this.#redis;
    switch (this.#model) {
      case 'Grant':
        this.#revocations.forget(id);
        await redis.del(key, revocationKey(id));
        return;
      case 'Session': {
        // A session's uid never changes under one id: one this instance has read needs no read before it goes.
        const known = this.#sessions!.uidOf(id);
        this.#sessions!.forget(id);
        const uid = known ?? (await this.#stored(id))?.uid;
        await Promise.all([redis.del(key), typeof uid === 'string' && this.#uids.change(uid, 'drop', [id])]);
        return;
      }
      case 'DeviceCode': {
        const userCode = (await this.#stored(id))?.userCode;
        await Promise.all([redis.del(key), typeof userCode === 'string' && redis.del(userCodeKey(userCode))]);
        return;
      }
      default:
        // Nothing else has an entry elsewhere to drop.
        await redis.del(key);
    }
  }

  /** The record as stored: not find(), whose revocation check would read the grant too. */
  async #stored(id: string): Promise<AdapterPayload | undefined> {
    const value = await this.#redis.get(recordKey(this.#model, id));
    return value === null ? undefined : decodeRecord(this.#model, id, value);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#revocations.revoke(recordKey('Grant', grantId), grantId);
  }
}

export const redisAdapterFactory = (redis: RedisClient) => (model: string) => new RedisAdapter(redis, model);
