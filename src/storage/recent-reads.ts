/**
 * What a token's check reads besides the token, kept in memory for the next checks of a token of the same grant and
 * session: its grant with the grant's revocation mark, and its session by uid. Userinfo then costs one Redis round
 * trip, the token's own read. Every write, destroy or revocation of a grant and every write or destroy of a session
 * drops the copy on every instance (change-feed.ts): what any instance revoked or ended is refused as soon as the
 * announcement is heard, and a copy is never kept from a read that a change overtook.
 * Copies are kept as stored and decoded per use: oidc-provider's models share the payload's objects.
 */
import { ChangeFeed, Copies, keyPrefixOf } from './change-feed.js';
import type { RedisClient } from './redis.js';

/** A grant as stored (null: none) with its revocation mark as stored (null: never revoked). */
export type GrantRead = { id: string; value: string | null; mark: string | null };
/** The session a uid's entry named, as stored. */
export type SessionRead = { id: string; value: string };

const GRANT = 'g ';
const SESSION = 's ';
const after = (prefix: string) => (announced: string) => (announced.startsWith(prefix) ? announced.slice(prefix.length) : undefined);

export class RecentReads {
  /** Emits 'dropped' with each announcement heard ("g <grant id>", "s <uid>"), or undefined for everything. */
  readonly feed: ChangeFeed;
  /** By grant id. */
  readonly grants: Copies<GrantRead>;
  /** By session uid. */
  readonly sessions: Copies<SessionRead>;

  constructor(redis: RedisClient) {
    this.feed = new ChangeFeed(redis, `${keyPrefixOf(redis)}oidc-op:changed:oidc`);
    this.grants = new Copies(this.feed, after(GRANT));
    this.sessions = new Copies(this.feed, after(SESSION));
    // The subscription is this client's companion: it ends with it.
    redis.once('end', () => this.feed.close());
  }

  /** Taken before a read whose result may be kept. */
  get generation(): number {
    return this.feed.generation;
  }

  /** Resolves once changes are heard (copies are kept only from then on). */
  listening(): Promise<void> {
    return this.feed.listen();
  }

  /** After a grant's write, destroy or revocation is done. */
  grantChanged(id: string): Promise<void> {
    return this.feed.announce(GRANT + id);
  }

  /** After a session's write or destroy is done. */
  sessionChanged(uid: string): Promise<void> {
    return this.feed.announce(SESSION + uid);
  }

  close(): void {
    this.feed.close();
  }
}

const perClient = new WeakMap<RedisClient, RecentReads>();

/** The client's one RecentReads, so every adapter on it shares the copies and their one subscription. */
export function recentReads(redis: RedisClient): RecentReads {
  let reads = perClient.get(redis);
  if (!reads) perClient.set(redis, (reads = new RecentReads(redis)));
  return reads;
}
