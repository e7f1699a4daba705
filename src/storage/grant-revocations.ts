/**
 * Revoking a grant's tokens (oidc-provider's `revokeByGrantId`) without an index of them. An index costs every
 * token issuance writes of its own (the silent path's most frequent write) to serve a rare call; here the rare
 * call pays instead. A revocation gives the grant a new random mark, which expires with the grant (a token whose
 * grant is gone is refused by oidc-provider itself: userinfo and introspection load the grant). A token records
 * the mark its grant had when it was issued, and is found only while the grant still has that mark: revoked
 * tokens stop working at once and leave Redis at their own expiry.
 *
 * The mark a new token records comes from the grant's last read in this process: oidc-provider reads the grant
 * before it issues a token for it (the authorization request, the token endpoint), and the mark is read with it,
 * in the same command (same hash slot). Marks are compared for equality, never ordered, so no clock is involved
 * and a stale mark can only make a new token look revoked, never keep a revoked one alive.
 */
import { randomBytes } from 'node:crypto';
import type { RedisClient } from './redis.js';

export const revocationKey = (grantId: string) => `oidc:Grant:{${grantId}}:revoked`;

/** Marks remembered per client: one per grant read in the last moments, so this bound is not reached in practice. */
const REMEMBERED = 10_000;

// The mark expires with the grant (grant writes extend it: redis-adapter.ts); a grant already gone has nothing to revoke.
const REVOKE = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return 0 end
if ttl > 0 then redis.call('SET', KEYS[2], ARGV[1], 'PX', ttl) else redis.call('SET', KEYS[2], ARGV[1]) end
return 1`;

type WithRevoke = RedisClient & { oidcRevokeGrant(grantKey: string, markKey: string, mark: string): Promise<number> };

/** A grant never revoked has no mark: the empty one. */
export const NO_MARK = '';

export class GrantRevocations {
  readonly #redis: WithRevoke;
  readonly #seen = new Map<string, string>();

  constructor(redis: RedisClient) {
    if (!('oidcRevokeGrant' in redis)) redis.defineCommand('oidcRevokeGrant', { numberOfKeys: 2, lua: REVOKE });
    this.#redis = redis as WithRevoke;
  }

  /** Remembers the mark read with the grant. */
  seen(grantId: string, mark: string | null): void {
    this.#seen.delete(grantId);
    if (this.#seen.size >= REMEMBERED) this.#seen.delete(this.#seen.keys().next().value!);
    this.#seen.set(grantId, mark ?? NO_MARK);
  }

  /** The mark a token issued now records: the one read with the grant, or read now if this process has none. */
  async forNewToken(grantId: string): Promise<string> {
    return this.#seen.get(grantId) ?? ((await this.#redis.get(revocationKey(grantId))) ?? NO_MARK);
  }

  async revoke(grantKey: string, grantId: string): Promise<void> {
    const mark = randomBytes(9).toString('base64url');
    if (await this.#redis.oidcRevokeGrant(grantKey, revocationKey(grantId), mark)) this.seen(grantId, mark);
  }

  forget(grantId: string): void {
    this.#seen.delete(grantId);
  }
}

const perClient = new WeakMap<RedisClient, GrantRevocations>();

/** The client's one GrantRevocations, so every adapter on it shares the marks it has read. */
export function grantRevocations(redis: RedisClient): GrantRevocations {
  let revocations = perClient.get(redis);
  if (!revocations) perClient.set(redis, (revocations = new GrantRevocations(redis)));
  return revocations;
}
