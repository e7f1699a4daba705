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
const RESERVED = ['/interaction', '/assets', '/admin', '/.well-known'];

/** Dynamic client registration (RFC 7591/7592): off unless an administrator turns it on. */
export const REGISTRATION_KEYS = ['registration.enabled', 'registration.initial_access_token'] as const;
export type RegistrationKey = (typeof REGISTRATION_KEYS)[number];
const SWITCHES: readonly string[] = ['implicit.enabled', 'state.required', ...REGISTRATION_KEYS];

export const SETTING_KEYS = ['implicit.enabled', 'state.required', 'ttl.access_token', 'ttl.id_token', 'ttl.session', ...PATH_KEYS, ...REGISTRATION_KEYS, 'mfa.required'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export type ProviderSettings = {
  'implicit.enabled': boolean;
  'state.required': boolean;
  'ttl.access_token': number;
  'ttl.id_token': number;
  'ttl.session': number;
  /** Who must sign in with a second factor: nobody by default, administrators, or everyone. */
  'mfa.required': MfaRequired;
} & Record<PathKey, string> &
  Record<RegistrationKey, boolean>;

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

export function defaultsFrom(settings: Settings): ProviderSettings {
  return {
    'implicit.enabled': true,
    'state.required': false,
    'ttl.access_token': settings.ttl.accessToken,
    'ttl.id_token': settings.ttl.idToken,
    'ttl.session': settings.ttl.session,
    ...DEFAULT_PATHS,
    'registration.enabled': false,
    // Open registration lets anyone put a client (a name and a logo of their choosing) on the consent page:
    // when turned on, registration asks for a token an administrator minted, unless this is turned off too.
    'registration.initial_access_token': true,
    'mfa.required': 'off',
  };
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
  if (k === 'mfa.required') {
    if (!(MFA_REQUIRED_VALUES as readonly string[]).includes(text)) throw new SettingError(`${k}: one of ${MFA_REQUIRED_VALUES.join(', ')}`);
    return [k, text];
  }
  if (SWITCHES.includes(k)) {
    if (text !== 'true' && text !== 'false') throw new SettingError(`${k}: true or false`);
    return [k, text === 'true'];
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
