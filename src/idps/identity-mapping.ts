/**
 * An upstream's claims (or attributes) in our claim names: the standard ones taken as they are, then the IdP's
 * claim map over them; groups from its groups claim. Every value bounded, so nothing unbounded reaches a user record.
 */
import type { IdpRecord } from './idp-record.js';

/** Standard claims taken from an upstream under their own names unless the claim map says otherwise. */
export const STANDARD_UPSTREAM_CLAIMS = ['email', 'email_verified', 'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'picture', 'locale', 'zoneinfo', 'phone_number', 'phone_number_verified'] as const;

export const GROUPS_MAX = 200;
const GROUP_NAME_MAX = 256;
const VALUE_MAX = 1024;

function bounded(value: unknown): unknown {
  if (typeof value === 'string') return value.length <= VALUE_MAX ? value : undefined;
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  if (Array.isArray(value)) {
    const items = value.filter((v) => typeof v === 'string' && v.length <= VALUE_MAX).slice(0, 32);
    return items.length ? items : undefined;
  }
  return undefined;
}

/** An attribute given as one value in a list (SAML) counts as that value. */
const single = (value: unknown) => (Array.isArray(value) && value.length === 1 ? value[0] : value);

export function mapClaims(idp: Pick<IdpRecord, 'claimMap'>, upstream: Record<string, unknown>): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const name of STANDARD_UPSTREAM_CLAIMS) {
    const value = bounded(single(upstream[name]));
    if (value !== undefined) claims[name] = value;
  }
  for (const [ours, theirs] of Object.entries(idp.claimMap)) {
    const value = bounded(single(upstream[theirs]));
    if (value === undefined) delete claims[ours];
    else claims[ours] = value;
  }
  // Some upstreams say "true" in a string (SAML attributes are text).
  for (const name of ['email_verified', 'phone_number_verified']) if (claims[name] === 'true' || claims[name] === 'false') claims[name] = claims[name] === 'true';
  return claims;
}

export function mapGroups(idp: Pick<IdpRecord, 'groupsClaim'>, upstream: Record<string, unknown>): string[] {
  const value = upstream[idp.groupsClaim ?? 'groups'];
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return [...new Set(list.filter((g): g is string => typeof g === 'string' && g.length > 0 && g.length <= GROUP_NAME_MAX))].slice(0, GROUPS_MAX);
}
