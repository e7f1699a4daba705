/** Client settings of ours beside the registered metadata (oidc-provider's extraClientMetadata). */
export const CLIENT_FLAGS = ['first_party', 'always_select_account', 'require_mfa'] as const;
export type ClientFlag = (typeof CLIENT_FLAGS)[number];

/** Per-client token lifetimes in seconds, overriding the provider-wide ones. */
export const CLIENT_LIFETIMES = ['access_token_ttl', 'id_token_ttl'] as const;
export type ClientLifetime = (typeof CLIENT_LIFETIMES)[number];

/** oidc-provider keeps extra metadata on the client under its own (snake_case) name. */
const extra = (client: object | undefined, key: string): unknown => (client as Record<string, unknown> | undefined)?.[key];

export const clientFlag = (client: object | undefined, flag: ClientFlag): boolean => extra(client, flag) === true;

export function clientLifetime(client: object | undefined, key: ClientLifetime): number | undefined {
  const value = extra(client, key);
  return typeof value === 'number' ? value : undefined;
}

/** Why a value is not acceptable for an extra client setting, or undefined. */
export function clientSettingProblem(key: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if ((CLIENT_FLAGS as readonly string[]).includes(key)) return typeof value === 'boolean' ? undefined : `${key} must be a boolean`;
  if ((CLIENT_LIFETIMES as readonly string[]).includes(key)) {
    return Number.isInteger(value) && (value as number) >= 60 && (value as number) <= 86_400 ? undefined : `${key} must be a whole number of seconds from 60 to 86400`;
  }
  return undefined;
}
