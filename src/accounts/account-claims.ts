/** The claims an account releases: its standard and custom attributes and its groups, with `sub` fixed to its id. */
import { GROUPS_CLAIM } from '../oidc/claim-names.js';
import { claimNameProblem } from '../oidc/claim-names.js';

/**
 * The claims an account holds, with `sub` fixed to the account's id and `groups` from its memberships: a stored
 * name the rules refuse (a protocol claim, a group claim, a malformed name) never leaves the provider. Which of
 * these a client receives is the scopes' business (provider/claims-release.ts).
 */
export function accountClaims(sub: string, stored: Record<string, unknown>, groups: readonly string[] = []): { sub: string; [claim: string]: unknown } {
  const released: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(stored)) {
    if (claimNameProblem(name) === undefined) released[name] = value;
  }
  return { ...released, [GROUPS_CLAIM]: [...groups], sub };
}
