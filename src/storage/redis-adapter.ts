/**
 * oidc-provider's storage on Redis. One string per record (compact-records.ts: JSON, or for Sessions and Grants
 * a JSON array), `SET … EX` with the expiry oidc-provider passes, so no record outlives it. Keys are hash-tagged
 * by record id, so every command names one slot and works on Cluster. A session's uid and an account's grants
 * are indexed in shared hashes (bucket-index.ts). A grant's tokens are revoked by a mark on the grant, not
 * through an index of them (grant-revocations.ts): issuing a token is one `SET`.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { accountGrants, grantItem } from './account-grants.js';
import { accountSessions } from './account-sessions.js';
import { seenFrom, sessionSeenKey } from './session-seen.js';
import type { BucketIndex } from './bucket-index.js';
import { decodeRecord, encodeRecord } from './compact-records.js';
import { withConsume, type WithConsume } from './consume-script.js';
import { grantRevocations, NO_MARK, revocationKey, type GrantRevocations } from './grant-revocations.js';
import { GRANT_READ, takeKept, UID_READ, type KeptReads } from './kept-reads.js';
import { recentReads, type GrantRead, type RecentReads, type SessionRead } from './recent-reads.js';
import { recordKey, sessionUids, userCodeKey } from './record-keys.js';
import type { RedisClient } from './redis.js';
import { UnchangedSessions } from './unchanged-sessions.js';
import { epochSeconds } from '../time.js';

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

export class RedisAdapter implements Adapter {
  readonly #redis: WithConsume;
  readonly #model: string;
  readonly #sessions: UnchangedSessions | undefined;
  readonly #uids: BucketIndex;
  readonly #accountGrants: BucketIndex;
  readonly #accountSessions: BucketIndex;
  readonly #revocations: GrantRevocations;
  readonly #recent: RecentReads;

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
    this.#accountSessions = accountSessions(redis);
    this.#revocations = grantRevocations(redis);
    this.#recent = recentReads(redis);
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
    // A signed-in session joins its account's entry (storage/account-sessions.ts), expiring with it.
    if (this.#model === 'Session' && typeof payload.accountId === 'string') {
      writes.push(this.#accountSessions.change(payload.accountId, 'add', [id], exp));
      // The browser that saved it, for the account page (storage/session-seen.ts).
      const seen = seenFrom(this.currentRequest(), epochSeconds());
      if (seen) writes.push(ttl ? redis.set(sessionSeenKey(id), JSON.stringify(seen), 'EX', ttl) : redis.set(sessionSeenKey(id), JSON.stringify(seen)));
    }
    if (payload.userCode) {
      writes.push(ttl ? redis.set(userCodeKey(payload.userCode), id, 'EX', ttl) : redis.set(userCodeKey(payload.userCode), id));
    }
    // Written back to back, so they travel together; each is one key (Cluster).
    await Promise.all(writes);
    // Announced once written, so an instance that hears it and reads again reads the new record.
    if (this.#model === 'Grant') await this.#recent.grantChanged(id);
    if (this.#model === 'Session' && typeof payload.uid === 'string') await this.#recent.sessionChanged(payload.uid);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const request = this.currentRequest() as KeptReads | undefined;
    if (this.#model === 'Grant') {
      const { value, mark } = this.#takeKept(GRANT_READ, id) ?? (await this.#readGrant(id, request !== undefined));
      if (value === null) return undefined;
      this.#revocations.seen(id, mark);
      return decodeRecord('Grant', id, value);
    }
    const generation = this.#recent.generation;
    const value = await this.#redis.get(recordKey(this.#model, id));
    if (this.#model === 'Session') return this.#sessionFound(id, value, request ? generation : undefined);
    const payload = value === null ? undefined : decodeRecord(this.#model, id, value);
    if (payload && GRANTABLE.has(this.#model) && typeof payload.grantId === 'string') return this.#checked(payload, payload.grantId, request);
    return payload;
  }

  /**
   * A token whose grant still has the revocation mark the token recorded; with its grant's read (and for a
   * session-bound token, its session's) kept on the request.
   */
  async #checked(payload: AdapterPayload, grantId: string, request: KeptReads | undefined): Promise<AdapterPayload | undefined> {
    const recorded = typeof payload[MARK_FIELD] === 'string' ? (payload[MARK_FIELD] as string) : NO_MARK;
    delete payload[MARK_FIELD];
    const uid = request && payload.expiresWithSession === true && typeof payload.sessionUid === 'string' ? payload.sessionUid : undefined;
    const session = uid === undefined ? undefined : this.#sessionByUid(uid);
    const grant = (request && this.#recent.grants.get(grantId)) ?? (await this.#readGrant(grantId, request !== undefined));
    if ((grant.mark ?? NO_MARK) !== recorded) return undefined;
    if (request) {
      request[GRANT_READ] = grant;
      if (session) request[UID_READ] = { id: uid!, session };
    }
    return payload;
  }

  /** The grant and its revocation mark, in one command (they share a slot); kept as a recent copy if `keep`. */
  async #readGrant(id: string, keep: boolean): Promise<GrantRead> {
    const generation = this.#recent.generation;
    const [value = null, mark = null] = await this.#redis.mget(recordKey('Grant', id), revocationKey(id));
    const read = { id, value, mark };
    if (keep && value !== null) this.#recent.grants.keep(id, read, generation);
    return read;
  }

  /**
   * The session the uid names: its recent copy, or read now (the uid's entry, then the session) and kept. Its
   * failure is its reader's to see, and nobody's when it is never read.
   */
  #sessionByUid(uid: string): Promise<SessionRead | undefined> {
    const copy = this.#recent.sessions.get(uid);
    if (copy) return Promise.resolve(copy);
    const generation = this.#recent.generation;
    const read = this.#uids.read(uid).then(async ([id]) => {
      if (id === undefined) return undefined;
      const value = await this.#redis.get(recordKey('Session', id));
      if (value === null) return undefined;
      this.#recent.sessions.keep(uid, { id, value }, generation);
      return { id, value };
    });
    read.catch(() => undefined);
    return read;
  }

  /** A session as stored (null: none), remembered for the saves that follow and, while serving a request, kept by uid. */
  #sessionFound(id: string, value: string | null, generation: number | undefined): AdapterPayload | undefined {
    const payload = value === null ? undefined : decodeRecord('Session', id, value);
    this.#sessions!.read(id, payload && { stored: value!, payload });
    if (payload && generation !== undefined && typeof payload.uid === 'string') this.#recent.sessions.keep(payload.uid, { id, value: value! }, generation);
    return payload;
  }

  #takeKept<K extends keyof KeptReads>(key: K, id: string): KeptReads[K] | undefined {
    return takeKept(this.currentRequest() as KeptReads | undefined, key, id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const kept = this.#takeKept(UID_READ, uid);
    if (kept) {
      const read = await kept.session;
      return read && this.#sessionFound(read.id, read.value, undefined);
    }
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
    const key = recordKey(this.#model, id);
    const redis = this.#redis;
    switch (this.#model) {
      case 'Grant':
        this.#revocations.forget(id);
        await redis.del(key, revocationKey(id));
        await this.#recent.grantChanged(id);
        return;
      case 'Session': {
        // A session's uid never changes under one id: one this instance has read needs no read before it goes.
        const known = this.#sessions!.uidOf(id);
        this.#sessions!.forget(id);
        const uid = known ?? (await this.#stored(id))?.uid;
        await Promise.all([redis.del(key, sessionSeenKey(id)), typeof uid === 'string' && this.#uids.change(uid, 'drop', [id])]);
        if (typeof uid === 'string') await this.#recent.sessionChanged(uid);
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
    await this.#recent.grantChanged(grantId);
  }
}

export const redisAdapterFactory = (redis: RedisClient) => (model: string) => new RedisAdapter(redis, model);
