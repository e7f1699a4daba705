/** Client settings of ours beside the registered metadata (oidc-provider's extraClientMetadata). */
import { claimMapProblem, groupsFilterSettingProblem } from '../clients/claim-settings.js';

export const CLIENT_FLAGS = ['first_party', 'always_select_account', 'require_mfa'] as const;
export type ClientFlag = (typeof CLIENT_FLAGS)[number];

/** Per-client token lifetimes in seconds, overriding the provider-wide ones. */
export const CLIENT_LIFETIMES = ['access_token_ttl', 'id_token_ttl'] as const;
export type ClientLifetime = (typeof CLIENT_LIFETIMES)[number];

/** Per-client claims: the groups a client sees (names and prefixes) and claims it receives under its own names. */
export const CLIENT_CLAIM_SETTINGS = ['groups_filter', 'claim_map'] as const;

/** oidc-provider keeps extra metadata on the client under its own (snake_case) name. */
const extra = (client: object | undefined, key: string): unknown => (client as Record<string, unknown> | undefined)?.[key];

export const clientFlag = (client: object | undefined, flag: ClientFlag): boolean => extra(client, flag) === true;

export function clientLifetime(client: object | undefined, key: ClientLifetime): number | undefined {
  const value = extra(client, key);
  return typeof value === 'number' ? value : undefined;
}

export function clientGroupsFilter(client: object | undefined): string[] | undefined {
  const value = extra(client, 'groups_filter');
  return Array.isArray(value) ? (value as string[]) : undefined;
}

export function clientClaimMap(client: object | undefined): Record<string, string> | undefined {
  const value = extra(client, 'claim_map');
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : undefined;
}

/** Why a value is not acceptable for an extra client setting, or undefined. */
export function clientSettingProblem(key: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (key === 'groups_filter') return groupsFilterSettingProblem(value);
  if (key === 'claim_map') return claimMapProblem(value);
  if ((CLIENT_FLAGS as readonly string[]).includes(key)) return typeof value === 'boolean' ? undefined : `${key} must be a boolean`;
  if ((CLIENT_LIFETIMES as readonly string[]).includes(key)) {
    return Number.isInteger(value) && (value as number) >= 60 && (value as number) <= 86_400 ? undefined : `${key} must be a whole number of seconds from 60 to 86400`;
  }
  return undefined;
}

