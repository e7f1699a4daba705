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

/** Claims that say how the sign-in happened rather than who the user is: never dropped (oidc-provider's own list). */
export const PROTOCOL_CLAIMS: ReadonlySet<string> = new Set(['sub', 'sid', 'auth_time', 'acr', 'amr', 'iss']);

/**
 * The claims a client may ever receive: those of the scopes it is allowed (its registered `scope`, or every scope
 * when it names none), whatever it asks for with the `claims` parameter.
 */
export function clientClaims(claimsByScope: Readonly<Record<string, readonly string[]>>, clientScope: string | undefined): Set<string> {
  const scopes = clientScope === undefined ? Object.keys(claimsByScope) : clientScope.split(' ');
  return new Set(scopes.flatMap((scope) => claimsByScope[scope] ?? []));
}

type ClaimsRequest = { id_token?: Record<string, unknown> | undefined; userinfo?: Record<string, unknown> | undefined };

/** A `claims` parameter (OIDC Core 5.5) cut to the allowed claims, or undefined when nothing is cut; OIDC Core 5.5 lets the OP drop requests. */
export function claimsRequestWithin<T extends ClaimsRequest>(request: T, allowed: ReadonlySet<string>): T | undefined {
  let cut = false;
  const keep = (members: Record<string, unknown>) => {
    const kept = Object.fromEntries(Object.entries(members).filter(([claim]) => allowed.has(claim) || PROTOCOL_CLAIMS.has(claim)));
    if (Object.keys(kept).length !== Object.keys(members).length) cut = true;
    return kept;
  };
  const within: T = { ...request };
  if (request.id_token) within.id_token = keep(request.id_token);
  if (request.userinfo) within.userinfo = keep(request.userinfo);
  return cut ? within : undefined;
}

/** An account's claims cut to the allowed ones; `sub` always stays. */
export function releasedWithin<T extends { sub: string }>(claims: T, allowed: ReadonlySet<string>): T {
  return Object.fromEntries(Object.entries(claims).filter(([claim]) => claim === 'sub' || allowed.has(claim))) as T;
}

/** What a grant holds, in one line for the audit trail and the command line: "openid email; claims: phone_number". */
export function grantSummary(scope: string, claims: readonly string[]): string {
  return claims.length ? `${scope}; claims: ${claims.join(' ')}` : scope;
}
