/** Protocol vocabulary for claim names: which names a custom claim may take, and the ones the protocol owns. */

/** Claims the protocol owns: no user, scope or claim map may hold or produce one. */
export const PROTOCOL_RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'nonce', 'at_hash', 'c_hash', 'auth_time', 'sid', 'acr', 'amr', 'azp', 'cnf', 'events',
]);

/** The built-in `groups` scope and what it releases: from the user's group memberships, never stored as an attribute. */
export const GROUPS_SCOPE = 'groups';
export const GROUPS_CLAIM = 'groups';
export const GROUPS_OVERAGE_CLAIM = 'groups_overage';
export const GROUP_CLAIMS: ReadonlySet<string> = new Set([GROUPS_CLAIM, GROUPS_OVERAGE_CLAIM]);

/** Names a user's attributes may never take. */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([...PROTOCOL_RESERVED_CLAIMS, ...GROUP_CLAIMS]);

export const CLAIM_NAME_MAX = 128;
const CLAIM_NAME = /^[A-Za-z0-9_.:/-]+$/;
export const CLAIM_NAME_RULE = `at most ${CLAIM_NAME_MAX} characters from A-Z a-z 0-9 _ . : / -`;

/**
 * Why a name cannot be a custom claim's, or undefined when it can. `releasable`: a name a scope may release or a
 * claim map may read (the group claims too); otherwise one a user's attribute may take.
 */
export function claimNameProblem(name: unknown, releasable = false): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || name.length > CLAIM_NAME_MAX || !CLAIM_NAME.test(name)) {
    return `claim ${JSON.stringify(String(name).slice(0, CLAIM_NAME_MAX + 1))}: a claim name is ${CLAIM_NAME_RULE}`;
  }
  if (PROTOCOL_RESERVED_CLAIMS.has(name)) return `claim ${name}: reserved by the protocol (set by the provider, never by hand)`;
  if (!releasable && GROUP_CLAIMS.has(name)) return `claim ${name}: released from group memberships (use group add-member), not set by hand`;
  return undefined;
}

/** Why a scope cannot release a claim, or undefined: any releasable name, and `sub` (the openid scope's). */
export const scopeClaimProblem = (name: unknown): string | undefined => (name === 'sub' ? undefined : claimNameProblem(name, true));
