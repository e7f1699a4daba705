/** Claims release policy: oidc-provider's scope → claims mapping and what a client may ever receive. */
import { PROTOCOL_CLAIMS, SCOPE_CLAIMS } from '../oidc/claims.js';

/**
 * oidc-provider's `claims` configuration: scope → claims. The standard mapping, with each defined scope that
 * names claims replacing or adding its own (a custom `contact` scope releasing email and phone_number, say).
 */
export function claimsConfiguration(defined: readonly { id: string; claims: readonly string[] }[] = []): Record<string, string[]> {
  const mapping: Record<string, string[]> = Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, claims]) => [scope, [...claims]]));
  for (const scope of defined) if (scope.claims.length) mapping[scope.id] = [...scope.claims];
  return mapping;
}

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
