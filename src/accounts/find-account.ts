/**
 * oidc-provider's account lookup, where every session and token meets the account again: on the silent path (the
 * session's sign-in) and at userinfo and the token endpoint (the token or code). What a credential change ended
 * (credential-fence.ts) signs nobody in. Users and clients are read from their in-memory copies: no Redis on the way.
 */
import type { FindAccount } from 'oidc-provider';
import { openedBefore, type Fenced } from './credential-fence.js';
import { accountClaims } from './account-claims.js';
import { groupsOf } from './groups-of.js';
import type { Users } from './users.js';

/** What oidc-provider passes with a lookup for a token: the token, code or refresh token itself. */
interface TokenLike {
  iat?: number;
  /** The sign-in behind a code or a refresh token. */
  authTime?: number;
  /** A refresh token's first issue, kept through its rotations. */
  iiat?: number;
  clientId?: string;
}

/** When what a token carries was opened: its earliest stamp, so a token renewed since still dates from its sign-in. */
export function tokenOpenedAt(token: TokenLike): number | undefined {
  const stamps = [token.iat, token.authTime, token.iiat].filter((s): s is number => typeof s === 'number');
  return stamps.length ? Math.min(...stamps) : undefined;
}

/** A client's record by id, or undefined for one that never changes at run time (a config-file client). */
export type ClientRecordOf = (clientId: string) => Promise<Fenced | undefined>;

export function findAccount(users: Users, clientRecord: ClientRecordOf): FindAccount {
  return async (ctx, sub, token) => {
    const openedAt = token ? tokenOpenedAt(token as TokenLike) : ctx.oidc?.session?.loginTs;
    const user = await users.findActive(sub, openedAt);
    if (!user) return undefined;
    const clientId = (token as TokenLike | undefined)?.clientId;
    if (clientId !== undefined && openedAt !== undefined) {
      // A client disabled or given a new secret since: the token dates from its old credentials.
      const client = await clientRecord(clientId);
      if (client && openedBefore(client, openedAt)) return undefined;
    }
    // The role: whether `mfa.required admins` applies to this account (provider/interaction-policy.ts).
    return { accountId: sub, role: user.role, claims: () => accountClaims(sub, user.claims, groupsOf(user)) };
  };
}
