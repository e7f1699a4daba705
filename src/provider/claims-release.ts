/** What oidc-provider may release to a client: the `claims` parameter and the account's claims cut to its allowed scopes. */
import type { ClaimsParameter, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import { claimsRequestWithin, clientClaims, releasedWithin } from './claims.js';
import { claimsRequestInOwnNames, withClientGroups } from './client-claims.js';

/** Clients register few distinct `scope` values; the bound only keeps a registry of many odd ones from growing this. */
const MAX_CACHED_SCOPE_SETS = 1000;

/**
 * The `claims` parameter in the claims' own names (a client may ask in the names its claim map gives) and cut to
 * the claims of the client's allowed scopes, before anything reads it (OIDC Core 5.5).
 */
export function keepAllowedClaims(claimsByScope: Record<string, string[]>) {
  return (ctx: KoaContextWithOIDC, claims: ClaimsParameter, client: { scope?: string | undefined }) => {
    const allowed = clientClaims(claimsByScope, client.scope);
    const own = claimsRequestInOwnNames(claims, client, allowed);
    const within = claimsRequestWithin(own ?? claims, allowed) ?? own;
    if (within) ctx.oidc.params!.claims = JSON.stringify(within);
  };
}

/**
 * The account's claims never hold one outside the client's allowed scopes, whatever a grant says (one from before
 * the cut, say); its groups are those the client's filter lets through, at most `groupsMax()` in an ID token.
 */
export function releasedToClient(findAccount: FindAccount, claimsByScope: Record<string, string[]>, groupsMax: () => number = () => 100): FindAccount {
  // One set per registered `scope` value (the provider is rebuilt when scopes change, and this with it).
  const byClientScope = new Map<string | undefined, Set<string>>();
  const allowedFor = (clientScope: string | undefined) => {
    let allowed = byClientScope.get(clientScope);
    if (!allowed) {
      allowed = clientClaims(claimsByScope, clientScope);
      if (byClientScope.size < MAX_CACHED_SCOPE_SETS) byClientScope.set(clientScope, allowed);
    }
    return allowed;
  };
  return async (ctx, sub, token) => {
    const account = await findAccount(ctx, sub, token);
    if (!account) return account;
    const claims = account.claims;
    // No client, no claim but the subject: every release oidc-provider makes names its client.
    const allowed = () => (ctx.oidc.client ? allowedFor(ctx.oidc.client.scope) : new Set<string>());
    return {
      ...account,
      claims: async (use, ...rest) => withClientGroups(releasedWithin(await claims(use, ...rest), allowed()), ctx.oidc.client, use, groupsMax()),
    };
  };
}
