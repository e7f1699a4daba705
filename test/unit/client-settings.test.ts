import { describe, expect, test } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { CLIENT_FLAGS, clientFlag } from '../../src/provider/client-settings.js';
import { buildConfiguration, type ProviderDeps } from '../../src/provider/configuration.js';
import { clientWantsChooser, interactionPrompts } from '../../src/provider/interaction-policy.js';
import { defaultsFrom } from '../../src/settings/provider-settings.js';
import { loadSettings } from '../../src/config/settings.js';

const FIXTURES_CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'config');

describe('clientFlag', () => {
  test('the flags: first_party, always_select_account and require_mfa', () => {
    expect(CLIENT_FLAGS).toEqual(['first_party', 'always_select_account', 'require_mfa']);
  });

  test('true only for the boolean true', () => {
    expect(clientFlag({ first_party: true }, 'first_party')).toBe(true);
    expect(clientFlag({ always_select_account: true }, 'always_select_account')).toBe(true);
  });

  test.each<[string, unknown]>([
    ['false', false],
    ['the string "true"', 'true'],
    ['1', 1],
    ['null', null],
    ['an object', {}],
    ['undefined', undefined],
  ])('false for %s', (_what, value) => {
    expect(clientFlag({ first_party: value }, 'first_party')).toBe(false);
  });

  test('false when the client lacks the flag, or there is no client', () => {
    expect(clientFlag({}, 'first_party')).toBe(false);
    expect(clientFlag({ always_select_account: true }, 'first_party')).toBe(false);
    expect(clientFlag(undefined, 'always_select_account')).toBe(false);
  });
});

describe('clientWantsChooser', () => {
  interface OidcStub {
    client: Record<string, unknown> | undefined;
    session: { accountId?: string } | undefined;
    prompts: Set<string>;
    params: Record<string, unknown> | undefined;
    result: Record<string, unknown> | undefined;
  }
  const ctx = (overrides: Partial<OidcStub> = {}) => {
    const oidc: OidcStub = {
      client: { always_select_account: true },
      session: { accountId: 'a' },
      prompts: new Set(),
      params: {},
      result: undefined,
      ...overrides,
    };
    return { oidc } as unknown as KoaContextWithOIDC;
  };

  test('true for a flagged client with a signed-in session', () => {
    expect(clientWantsChooser(ctx())).toBe(true);
  });

  test('false when the flag is off', () => {
    expect(clientWantsChooser(ctx({ client: { always_select_account: false } }))).toBe(false);
    expect(clientWantsChooser(ctx({ client: { always_select_account: 'true' } }))).toBe(false);
    expect(clientWantsChooser(ctx({ client: { first_party: true } }))).toBe(false);
    expect(clientWantsChooser(ctx({ client: undefined }))).toBe(false);
  });

  test('false without a session, or a session without an account', () => {
    expect(clientWantsChooser(ctx({ session: undefined }))).toBe(false);
    expect(clientWantsChooser(ctx({ session: {} }))).toBe(false);
    expect(clientWantsChooser(ctx({ session: { accountId: '' } }))).toBe(false);
  });

  test('false for prompt=none (a silent request cannot show a page)', () => {
    expect(clientWantsChooser(ctx({ prompts: new Set(['none']) }))).toBe(false);
  });

  test('other prompts do not stop it', () => {
    expect(clientWantsChooser(ctx({ prompts: new Set(['login']) }))).toBe(true);
    expect(clientWantsChooser(ctx({ prompts: new Set(['consent']) }))).toBe(true);
  });

  test("false with skip_confirm 'true'; other values do not skip", () => {
    expect(clientWantsChooser(ctx({ params: { skip_confirm: 'true' } }))).toBe(false);
    expect(clientWantsChooser(ctx({ params: { skip_confirm: 'false' } }))).toBe(true);
    expect(clientWantsChooser(ctx({ params: { skip_confirm: true } }))).toBe(true);
    expect(clientWantsChooser(ctx({ params: undefined }))).toBe(true);
  });

  test('false once the user just signed in or chose', () => {
    expect(clientWantsChooser(ctx({ result: { login: { accountId: 'a' } } }))).toBe(false);
    expect(clientWantsChooser(ctx({ result: { select_account: {} } }))).toBe(false);
  });

  test('another result (consent) does not stop it', () => {
    expect(clientWantsChooser(ctx({ result: { consent: { grantId: 'g' } } }))).toBe(true);
  });

  test('is the check behind the select_account prompt', async () => {
    const check = interactionPrompts().get('select_account')?.checks.get('client_always_selects');
    expect(check?.description).toBe('the client asks which account to use');
    expect(await check?.check(ctx())).toBe(true);
    expect(await check?.check(ctx({ prompts: new Set(['none']) }))).toBe(false);
    expect(await check?.check(ctx({ result: { select_account: {} } }))).toBe(false);
  });
});

describe('extraClientMetadata', () => {
  const deps: ProviderDeps = {
    runtime: () => defaultsFrom(loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, NODE_ENV: 'test' })),
    scopes: [],
    adapter: undefined,
    findAccount: async () => undefined,
    jwks: { keys: [] },
    signing: { processes: 1, cores: 2 },
    cookieKeys: ['x'.repeat(32)],
    pages: { error: async () => {}, logout: async () => {}, loggedOut: async () => {} },
  };
  const settings = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, NODE_ENV: 'test' });
  const extra = buildConfiguration(settings, deps).extraClientMetadata;
  const validator = extra?.validator;
  const validate = (key: string, value: unknown) => validator?.(undefined, key, value, { client_id: 'c' });

  test.each<[string, unknown]>([
    ['access_token_ttl', 59],
    ['access_token_ttl', 86_401],
    ['id_token_ttl', 1.5],
    ['id_token_ttl', '600'],
  ])('refuses %s = %p', (key, value) => {
    expect(() => validate(key, value)).toThrow(expect.objectContaining({ error: 'invalid_client_metadata', error_description: `${key} must be a whole number of seconds from 60 to 86400` }));
  });

  test('declares the client flags', () => {
    expect(extra?.properties).toEqual(['first_party', 'always_select_account', 'require_mfa', 'access_token_ttl', 'id_token_ttl', 'groups_filter', 'claim_map', 'backchannel_logout_uri', 'frontchannel_logout_uri', 'frontchannel_logout_session_required']);
    expect(typeof validator).toBe('function');
  });

  test.each<[unknown]>([[true], [false], [undefined]])('accepts %p', (value) => {
    expect(validate('first_party', value)).toBeUndefined();
    expect(validate('always_select_account', value)).toBeUndefined();
  });

  test.each<[string, unknown]>([
    ['the string "true"', 'true'],
    ['1', 1],
    ['0', 0],
    ['null', null],
    ['an array', [true]],
    ['an object', {}],
  ])('refuses %s, as invalid_client_metadata naming the property', (_what, value) => {
    expect(() => validate('first_party', value)).toThrow(errors.InvalidClientMetadata);
    let caught: unknown;
    try {
      validate('always_select_account', value);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(errors.InvalidClientMetadata);
    expect((caught as InstanceType<typeof errors.InvalidClientMetadata>).error).toBe('invalid_client_metadata');
    expect((caught as InstanceType<typeof errors.InvalidClientMetadata>).error_description).toBe('always_select_account must be a boolean');
  });

  test('the fixture clients carry their flags through to oidc-provider', () => {
    const clients = buildConfiguration(settings, deps).clients ?? [];
    expect(clients.find((c) => c.client_id === 'first-party')?.first_party).toBe(true);
    expect(clients.find((c) => c.client_id === 'chooser')?.always_select_account).toBe(true);
    expect(clients.find((c) => c.client_id === 'spa-both')?.first_party).toBeUndefined();
  });
});
