/** The standard OpenID Connect scopes and the claims each one releases (OIDC Core 5.4). */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: [
    'name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile',
    'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
} as const satisfies Record<string, readonly string[]>;

export type StandardScope = keyof typeof SCOPE_CLAIMS;
export const STANDARD_SCOPES = Object.keys(SCOPE_CLAIMS) as StandardScope[];
export const STANDARD_CLAIMS: ReadonlySet<string> = new Set(Object.values(SCOPE_CLAIMS).flat());

/**
 * oidc-provider's `claims` configuration: scope → claims. The standard mapping, with each defined scope that
 * names claims replacing or adding its own (a custom `contact` scope releasing email and phone_number, say).
 */
export function claimsConfiguration(defined: readonly { id: string; claims: readonly string[] }[] = []): Record<string, string[]> {
  const mapping: Record<string, string[]> = Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, claims]) => [scope, [...claims]]));
  for (const scope of defined) if (scope.claims.length) mapping[scope.id] = [...scope.claims];
  return mapping;
}

/** The claims an account holds, with `sub` fixed to the account's id; only standard claims leave the provider. */
export function accountClaims(sub: string, stored: Record<string, unknown>): { sub: string; [claim: string]: unknown } {
  const released: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(stored)) {
    if (STANDARD_CLAIMS.has(name) && name !== 'sub') released[name] = value;
  }
  return { ...released, sub };
}
