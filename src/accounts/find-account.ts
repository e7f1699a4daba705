import type { FindAccount } from 'oidc-provider';
import { accountClaims } from '../provider/claims.js';
import type { Users } from './users.js';

/** oidc-provider's account lookup: the user's standard claims, filtered by oidc-provider to what was granted. */
export function findAccount(users: Users): FindAccount {
  return async (_ctx, sub) => {
    const user = await users.findActive(sub);
    if (!user) return undefined;
    return { accountId: sub, claims: () => accountClaims(sub, user.claims) };
  };
}
