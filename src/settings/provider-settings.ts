/**
 * Provider-wide switches an administrator changes at run time (`oidc-op settings set`), stored in Redis and
 * held in memory by every instance, which re-reads them every few seconds: the hot path never asks Redis.
 * Values not set fall back to what the environment configured.
 */
import { AppError } from '../errors.js';
import type { Settings } from '../config/settings.js';
import { updateRecord, type Collection } from '../storage/collection.js';
import { MFA_REQUIRED_VALUES, type MfaRequired } from '../mfa/policy.js';

/** Endpoints whose path an administrator may move (a deployment replacing OneAccess serves /api/v1/oauth2/authorize). */
export const PATH_KEYS = ['paths.authorization', 'paths.token', 'paths.userinfo', 'paths.jwks', 'paths.end_session', 'paths.revocation'] as const;
export type PathKey = (typeof PATH_KEYS)[number];
export const DEFAULT_PATHS: Record<PathKey, string> = {
  'paths.authorization': '/auth',
  'paths.token': '/token',
  'paths.userinfo': '/me',
  'paths.jwks': '/jwks',
  'paths.end_session': '/session/end',
  'paths.revocation': '/token/revocation',
};
/** Our own routes and discovery: an endpoint moved onto them would be shadowed. */
const RESERVED = ['/interaction', '/assets', '/admin', '/.well-known', '/account'];

/** Dynamic client registration (RFC 7591/7592): off unless an administrator turns it on. */
export const REGISTRATION_KEYS = ['registration.enabled', 'registration.initial_access_token'] as const;
export type RegistrationKey = (typeof REGISTRATION_KEYS)[number];
const SWITCHES: readonly string[] = ['implicit.enabled', 'state.required', ...REGISTRATION_KEYS];

/** How many groups an ID token carries at most (after the client's filter); past it, `groups_overage` and the whole list at userinfo. */
export const GROUPS_MAX_KEY = 'claims.groups_max';
const GROUPS_MAX_RANGE = [1, 1000] as const;

/** The claims a user may change on their account page (/account), as a comma-separated list; empty: none. */
export const ACCOUNT_EDITABLE_KEY = 'account.editable_claims';
export const ACCOUNT_EDITABLE_CLAIMS = ['name', 'given_name', 'family_name', 'nickname', 'email', 'phone_number', 'locale', 'zoneinfo', 'website'] as const;

export const SETTING_KEYS = [
  'implicit.enabled',
  'state.required',
  'ttl.access_token',
  'ttl.id_token',
  'ttl.session',
  ...PATH_KEYS,
  ...REGISTRATION_KEYS,
  GROUPS_MAX_KEY,
  ACCOUNT_EDITABLE_KEY,
  'mfa.required',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export type ProviderSettings = {
  'implicit.enabled': boolean;
  'state.required': boolean;
  'ttl.access_token': number;
  'ttl.id_token': number;
  'ttl.session': number;
  /** Absent in documents from before it existed: 100. */
  [GROUPS_MAX_KEY]?: number;
  /** Who must sign in with a second factor: nobody by default, administrators, or everyone. */
  'mfa.required': MfaRequired;
} & Record<PathKey, string> &
  Record<RegistrationKey, boolean> & { [ACCOUNT_EDITABLE_KEY]?: string };

/** The settings that oidc-provider fixes when it is built: changing one means building a new instance. */
export const pathsOf = (settings: ProviderSettings) => Object.fromEntries(PATH_KEYS.map((k) => [k, settings[k]])) as Record<PathKey, string>;
export const registrationOf = (settings: ProviderSettings) =>
  Object.fromEntries(REGISTRATION_KEYS.map((k) => [k, settings[k]])) as Record<RegistrationKey, boolean>;

export class SettingError extends AppError {
  override name = 'SettingError';

  constructor(message: string) {
    super('invalid', message);
  }
}

const LIMITS: Record<'ttl.access_token' | 'ttl.id_token' | 'ttl.session', [number, number]> = {
  'ttl.access_token': [60, 86_400],
  'ttl.id_token': [60, 86_400],
  'ttl.session': [300, 365 * 86_400],
};

/** The defaults that do not come from the environment. */
const FIXED_DEFAULTS = {
  'implicit.enabled': true,
  'state.required': false,
  ...DEFAULT_PATHS,
  'registration.enabled': false,
  // Open registration lets anyone put a client (a name and a logo of their choosing) on the consent page:
  // when turned on, registration asks for a token an administrator minted, unless this is turned off too.
  'registration.initial_access_token': true,
  [GROUPS_MAX_KEY]: 100,
  [ACCOUNT_EDITABLE_KEY]: 'name',
  'mfa.required': 'off',
} satisfies Omit<ProviderSettings, keyof typeof LIMITS>;

/** The environment variable each lifetime falls back to. */
const FROM_ENVIRONMENT: Record<keyof typeof LIMITS, string> = { 'ttl.access_token': 'TTL_ACCESS_TOKEN', 'ttl.id_token': 'TTL_ID_TOKEN', 'ttl.session': 'TTL_SESSION' };

export function defaultsFrom(settings: Settings): ProviderSettings {
  return { ...FIXED_DEFAULTS, 'ttl.access_token': settings.ttl.accessToken, 'ttl.id_token': settings.ttl.idToken, 'ttl.session': settings.ttl.session };
}

/** What each setting does, for docs/reference/configuration.md; its type and default come from the rules here. */
const SETTING_DOCS: Record<SettingKey, { description: string; example: string }> = {
  'implicit.enabled': { description: '`false`: implicit requests get `unsupported_response_type`, and discovery offers only `code`.', example: 'false' },
  'state.required': { description: '`true`: an authorization request without `state` gets `invalid_request` in the fragment.', example: 'true' },
  'ttl.access_token': { description: "Seconds an access token lives; a client's own lifetime wins.", example: '900' },
  'ttl.id_token': { description: "Seconds an ID token is valid; a client's own lifetime wins.", example: '900' },
  'ttl.session': { description: 'Seconds a sign-in session lives.', example: '86400' },
  'paths.authorization': { description: 'The authorization endpoint; discovery follows (a deployment replacing OneAccess moves it).', example: '/api/v1/oauth2/authorize' },
  'paths.token': { description: 'The token endpoint.', example: '/api/v1/oauth2/token' },
  'paths.userinfo': { description: 'The userinfo endpoint.', example: '/api/v1/oauth2/userinfo' },
  'paths.jwks': { description: 'The JWKS (public signing keys).', example: '/api/v1/oauth2/keys' },
  'paths.end_session': { description: 'The RP-initiated logout endpoint.', example: '/api/v1/oauth2/logout' },
  'paths.revocation': { description: 'The token revocation endpoint.', example: '/api/v1/oauth2/revoke' },
  'registration.enabled': {
    description: 'Dynamic client registration (RFC 7591/7592) at `/reg`; discovery shows `registration_endpoint` only when on.',
    example: 'true',
  },
  'registration.initial_access_token': {
    description: 'Registration needs an initial access token an administrator minted (`registration-token create`).',
    example: 'false',
  },
  [GROUPS_MAX_KEY]: {
    description: "The most groups an ID token carries after the client's filter; past it the token says `groups_overage: true` and userinfo has the whole list.",
    example: '50',
  },
  'mfa.required': {
    description: 'Who must sign in with a second factor: `off` (nobody unless a client or its request asks), `admins`, or `all`.',
    example: 'admins',
  },
  [ACCOUNT_EDITABLE_KEY]: {
    description: `The claims a user may change on their account page (\`/account\`), comma-separated, from ${ACCOUNT_EDITABLE_CLAIMS.join(', ')}; empty: none.`,
    example: 'name,nickname,locale',
  },
};

export interface SettingReference {
  key: SettingKey;
  type: string;
  /** The value when not set, or else the environment variable it falls back to. */
  default: { value: string } | { variable: string };
  description: string;
  example: string;
}

/** Every runtime setting, in the order `settings show` lists them, with its type, default and documentation. */
export function settingsReference(): SettingReference[] {
  return SETTING_KEYS.map((key) => {
    const limits = (LIMITS as Record<string, [number, number]>)[key];
    const type =
      key === ACCOUNT_EDITABLE_KEY
        ? 'comma-separated claim names'
        : key === 'mfa.required'
        ? MFA_REQUIRED_VALUES.join(' | ')
        : key === GROUPS_MAX_KEY
        ? `whole number of groups, ${GROUPS_MAX_RANGE[0]} to ${GROUPS_MAX_RANGE[1]}`
        : limits
          ? `whole number of seconds, ${limits[0]} to ${limits[1]}`
          : SWITCHES.includes(key)
            ? 'true | false'
            : 'absolute path (letters, digits, . _ ~ -)';
    const fixed = (FIXED_DEFAULTS as Partial<Record<SettingKey, boolean | number | string>>)[key];
    const fallback = fixed === undefined ? { variable: FROM_ENVIRONMENT[key as keyof typeof LIMITS] } : { value: String(fixed) };
    return { key, type, default: fallback, ...SETTING_DOCS[key] };
  });
}

/** A value as an administrator types it, checked and typed; the error names the key and the rule. */
export function parseSetting(key: string, text: string, current?: ProviderSettings): [SettingKey, boolean | number | string] {
  if (!(SETTING_KEYS as readonly string[]).includes(key)) throw new SettingError(`${key}: not a setting (${SETTING_KEYS.join(', ')})`);
  const k = key as SettingKey;
  if ((PATH_KEYS as readonly string[]).includes(k)) {
    const path = text.replace(/\/+$/, '');
    if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path)) throw new SettingError(`${k}: an absolute path of letters, digits and . _ ~ - (like /api/v1/oauth2/authorize)`);
    const reserved = RESERVED.find((r) => path === r || path.startsWith(`${r}/`));
    if (reserved) throw new SettingError(`${k}: ${reserved} is the provider's own`);
    const clash = current && PATH_KEYS.find((other) => other !== k && current[other] === path);
    if (clash) throw new SettingError(`${k}: ${path} is already ${clash}`);
    return [k, path];
  }
  if (k === ACCOUNT_EDITABLE_KEY) {
    const claims = [...new Set(text.split(',').map((c) => c.trim()).filter(Boolean))];
    const unknown = claims.find((c) => !(ACCOUNT_EDITABLE_CLAIMS as readonly string[]).includes(c));
    if (unknown) throw new SettingError(`${k}: ${unknown} is not a claim users may edit (a comma-separated list of ${ACCOUNT_EDITABLE_CLAIMS.join(', ')}; empty: none)`);
    return [k, claims.join(',')];
  }
  if (k === 'mfa.required') {
    if (!(MFA_REQUIRED_VALUES as readonly string[]).includes(text)) throw new SettingError(`${k}: one of ${MFA_REQUIRED_VALUES.join(', ')}`);
    return [k, text];
  }
  if (SWITCHES.includes(k)) {
    if (text !== 'true' && text !== 'false') throw new SettingError(`${k}: true or false`);
    return [k, text === 'true'];
  }
  if (k === GROUPS_MAX_KEY) {
    const [min, max] = GROUPS_MAX_RANGE;
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new SettingError(`${k}: a whole number of groups from ${min} to ${max}`);
    return [k, Number(text)];
  }
  const [min, max] = LIMITS[k as keyof typeof LIMITS];
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new SettingError(`${k}: a whole number of seconds from ${min} to ${max}`);
  return [k, Number(text)];
}

type Stored = Partial<ProviderSettings>;
/** The one record of the settings collection. */
export const SETTINGS_ID = 'provider';

export class ProviderSettingsStore {
  constructor(
    private readonly records: Collection<Stored>,
    private readonly defaults: ProviderSettings,
  ) {}

  async read(): Promise<ProviderSettings> {
    return { ...this.defaults, ...((await this.records.get(SETTINGS_ID)) ?? {}) };
  }

  /** Only what an administrator set (for export). */
  async stored(): Promise<Stored> {
    return (await this.records.get(SETTINGS_ID)) ?? {};
  }

  async set(key: string, text: string): Promise<ProviderSettings> {
    const [k, value] = parseSetting(key, text, await this.read());
    if (!(await this.records.insert(SETTINGS_ID, { [k]: value }))) await updateRecord(this.records, SETTINGS_ID, (current) => ({ ...current, [k]: value }));
    return this.read();
  }
}
