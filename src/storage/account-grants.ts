/**
 * An account's grants (its consents), as items of the account's entry in a bucket index: what `user consents` lists
 * and revokes, and where a new browser finds the consent its account already gave a client. Each item is the grant's
 * id tagged with a short digest of its client, so that one read of the entry finds the client's grant.
 */
import { createHash } from 'node:crypto';
import { BucketIndex } from './bucket-index.js';
import type { RedisClient } from './redis.js';

export const accountGrants = (redis: RedisClient) => new BucketIndex(redis, 'AccountGrants');

/** Grant ids (oidc-provider's nanoid) never hold a dot; the digest never holds a space or '~' (the index's separators). */
const TAG_SEPARATOR = '.';

/** A short digest of a client id: a collision only costs a grant read, whose client is checked. */
const clientTag = (clientId: string) => createHash('sha256').update(clientId).digest('base64url').slice(0, 6);

/** The item a grant is indexed under. */
export const grantItem = (grantId: string, clientId: string | undefined) =>
  clientId === undefined ? grantId : `${grantId}${TAG_SEPARATOR}${clientTag(clientId)}`;

/** An item's grant id and client tag (none in items earlier versions wrote). */
export function parseGrantItem(item: string): { grantId: string; tag?: string } {
  const at = item.lastIndexOf(TAG_SEPARATOR);
  return at < 0 ? { grantId: item } : { grantId: item.slice(0, at), tag: item.slice(at + 1) };
}

/** Grants tried per lookup: an account holds one grant a client since consents are shared by its sessions. */
const CANDIDATES = 3;

/** The ids of the account's grants that may be the client's, newest first, from one read of the account's entry. */
export function clientGrantIds(items: readonly string[], clientId: string): string[] {
  const tag = clientTag(clientId);
  return items
    .map(parseGrantItem)
    .filter((item) => item.tag === tag)
    .map((item) => item.grantId)
    .reverse()
    .slice(0, CANDIDATES);
}

/** The lookup the provider's configuration takes (provider/configuration.ts, ProviderDeps.consentGrants). */
export function consentGrantsOn(redis: RedisClient): (accountId: string, clientId: string) => Promise<string[]> {
  const index = accountGrants(redis);
  return async (accountId, clientId) => clientGrantIds(await index.read(accountId), clientId);
}
