/**
 * When a sign-in needs a second factor: the provider-wide setting (`mfa.required`), the client's own flag
 * (`require_mfa`), and the relying party's request (acr_values or an acr claim naming our multi-factor ACR). Pure.
 */
import { ACR_MFA, ACR_PASSWORD } from '../oidc/acr.js';

export const MFA_REQUIRED_VALUES = ['off', 'admins', 'all'] as const;
export type MfaRequired = (typeof MFA_REQUIRED_VALUES)[number];

export interface MfaDemand {
  /** The provider-wide setting. */
  setting: MfaRequired;
  /** The account's role (`admin` or `user`), when an account is known. */
  role?: string | undefined;
  /** The client's `require_mfa` flag. */
  clientRequires: boolean;
  /** The ACRs the request names (requestedAcrs). */
  acrs: readonly string[];
}

export function secondFactorRequired({ setting, role, clientRequires, acrs }: MfaDemand): boolean {
  if (setting === 'all' || (setting === 'admins' && role === 'admin') || clientRequires) return true;
  // A request that also accepts the password level leaves the choice to us: only one naming the MFA level alone insists.
  return acrs.includes(ACR_MFA) && !acrs.includes(ACR_PASSWORD);
}

/** The ACRs an authorization request names: its acr_values, and the values of an acr claim in its claims parameter. */
export function requestedAcrs(acrValues: unknown, claims: unknown): string[] {
  const named = typeof acrValues === 'string' ? acrValues.split(' ').filter(Boolean) : [];
  if (typeof claims === 'string') {
    try {
      const acr = (JSON.parse(claims) as { id_token?: { acr?: { value?: unknown; values?: unknown } } }).id_token?.acr;
      if (typeof acr?.value === 'string') named.push(acr.value);
      if (Array.isArray(acr?.values)) named.push(...acr.values.filter((v): v is string => typeof v === 'string'));
    } catch {
      // oidc-provider refuses a malformed claims parameter before any interaction exists.
    }
  }
  return [...new Set(named)];
}
