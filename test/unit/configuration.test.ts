import { describe, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client, ClientMetadata, Configuration, ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import { ACR_FEDERATED, ACR_MFA, ACR_PASSWORD } from '../../src/oidc/acr.js';
import { buildConfiguration, interactionPath, type ProviderDeps } from '../../src/provider/configuration.js';
import { clientOriginAllowed } from '../../src/provider/client-cors.js';
import { staticClient } from '../../src/provider/static-clients.js';
import { defaultsFrom, type ProviderSettings } from '../../src/settings/provider-settings.js';
import type { CookieSigner } from '../../src/keys/cookie-signer.js';
import { generateSigningKeys } from '../../src/keys/generated-keys.js';
import { signingAlgProblem, signingAlgsOf } from '../../src/keys/signing-algs.js';
import type { ClientConfig } from '../../src/config/client-schema.js';
import { loadSettings, type Settings } from '../../src/config/settings.js';

const FIXTURES_CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'config');

const calls: string[] = [];
/** What an administrator set at run time; tests change it and watch the configuration follow. */
let runtime: ProviderSettings;
const deps: ProviderDeps = {
  runtime: () => runtime,
  scopes: [{ id: 'contact', name: 'Contact', description: 'How to reach you', claims: ['email', 'phone_number'] }],
  adapter: undefined,
  findAccount: async () => undefined,
  jwks: await generateSigningKeys(),
  signing: { processes: 1, cores: 2 },
  cookieKeys: ['x'.repeat(32)],
  pages: {
    error: async (_ctx, out) => {
      calls.push(`error:${out.error}`);
    },
    logout: async (_ctx, form) => {
      calls.push(`logout:${form}`);
    },
    loggedOut: async () => {
      calls.push('loggedOut');
    },
  },
};

const settings: Settings = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, NODE_ENV: 'test' });
runtime = defaultsFrom(settings);
const config: Configuration = buildConfiguration(settings, deps);

const demoClient: ClientConfig = {
  client_id: 'demo-spa',
  redirect_uris: ['http://localhost:5173/cb'],
  response_types: ['id_token'],
  token_endpoint_auth_method: 'none',
};

const ctx = (route: string) => ({ oidc: { route } }) as unknown as KoaContextWithOIDC;

describe('buildConfiguration', () => {
  test('response types: id_token, id_token token and code, nothing else', () => {
    expect(config.responseTypes).toEqual(['id_token', 'id_token token', 'code']);
  });

  type Lifetime = (ctx: unknown, token: unknown, client: unknown) => number;
  const lifetime = (c: typeof config, name: 'AccessToken' | 'IdToken', client: object = {}) => (c.ttl?.[name] as Lifetime)({}, {}, client);

  test('token lifetimes follow the settings; the access token lives at most an hour by default', () => {
    expect(lifetime(config, 'AccessToken')).toBe(settings.ttl.accessToken);
    expect(lifetime(config, 'AccessToken')).toBe(3600);
    expect(lifetime(config, 'IdToken')).toBe(3600);
    expect(config.ttl).toMatchObject({
      AuthorizationCode: 60,
      Interaction: 600,
      Grant: 14 * 86400,
      RegistrationAccessToken: 30 * 86400,
    });
    expect((config.ttl?.Session as () => number)()).toBe(14 * 86400);
  });

  test('a lifetime an administrator sets at run time is followed at once, without rebuilding', () => {
    runtime = { ...defaultsFrom(settings), 'ttl.access_token': 600, 'ttl.id_token': 300 };
    expect(lifetime(config, 'AccessToken')).toBe(600);
    expect(lifetime(config, 'IdToken')).toBe(300);
    runtime = defaultsFrom(settings);
  });

  test("a client's own lifetimes win over the provider-wide ones", () => {
    expect(lifetime(config, 'AccessToken', { access_token_ttl: 300 })).toBe(300);
    expect(lifetime(config, 'IdToken', { id_token_ttl: 120 })).toBe(120);
    expect(lifetime(config, 'AccessToken', { id_token_ttl: 120 })).toBe(3600);
  });

  test('features: no request objects, no dev interactions, logout and claims parameter on', () => {
    expect(config.features?.requestObjects?.enabled).toBe(false);
    expect(config.features?.devInteractions?.enabled).toBe(false);
    expect(config.features?.rpInitiatedLogout?.enabled).toBe(true);
    expect(config.features?.claimsParameter?.enabled).toBe(true);
    expect(config.features?.userinfo?.enabled).toBe(true);
    expect(config.features?.revocation?.enabled).toBe(true);
  });

  test('PKCE is required for every client', () => {
    const required = config.pkce?.required;
    expect(typeof required).toBe('function');
    expect(required?.(ctx('authorization'), {} as Client)).toBe(true);
  });

  test('client defaults: auth_time required, ID token signed with the configured algorithm', () => {
    expect(config.clientDefaults).toEqual({
      grant_types: ['implicit'],
      response_types: ['id_token'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: 'RS256',
      require_auth_time: true,
    });
  });

  test('id_token_signed_response_alg follows settings.idTokenSigningAlg', () => {
    const es = buildConfiguration({ ...settings, idTokenSigningAlg: 'ES256' }, deps);
    expect(es.clientDefaults?.id_token_signed_response_alg).toBe('ES256');
    const ed = buildConfiguration({ ...settings, idTokenSigningAlg: 'EdDSA' }, deps);
    expect(ed.clientDefaults?.id_token_signed_response_alg).toBe('EdDSA');
  });

  test('cookies: httpOnly, SameSite=Lax, signed with the given keys', () => {
    const signer = config.cookies?.keys as CookieSigner;
    expect(signer.sign('_session=abc')).toBe(createHmac('sha1', 'x'.repeat(32)).update('_session=abc').digest('base64url'));
    expect(config.cookies?.long).toEqual({ httpOnly: true, sameSite: 'lax', signed: true });
    expect(config.cookies?.short).toEqual({ httpOnly: true, sameSite: 'lax', signed: true });
  });

  test('dependencies are passed through; signing keys go to oidc-provider as external signing keys', () => {
    const keys = (config.jwks as { keys: { kid?: string; constructor: { name: string } }[] }).keys;
    expect(keys.map((k) => k.kid)).toEqual(deps.jwks.keys.map((k) => k.kid));
    expect(keys.map((k) => k.constructor.name)).toEqual(['LocalSigningKey', 'LocalSigningKey', 'LocalSigningKey']);
    expect(config.features?.externalSigningSupport).toEqual({ enabled: true, ack: 'experimental-01' });
    expect('adapter' in config).toBe(false);
  });

  test('an adapter is used when given', () => {
    const adapter = () => ({}) as never;
    expect(buildConfiguration(settings, { ...deps, adapter }).adapter).toBe(adapter);
  });

  test('scopes, claims and ACR', () => {
    expect(config.scopes).toEqual(['openid', 'profile', 'email', 'address', 'phone', 'contact']);
    expect(config.claims).toMatchObject({ email: ['email', 'email_verified'], openid: ['sub', 'acr', 'amr'] });
    expect(config.acrValues).toEqual([ACR_PASSWORD, ACR_FEDERATED, ACR_MFA]);
    expect(config.conformIdTokenClaims).toBe(true);
    expect(Object.keys(config.extraParams as object)).toEqual(['skip_confirm', 'idp_hint', 'state']);
  });

  test('only asymmetric signing algorithms', () => {
    expect(config.enabledJWA?.idTokenSigningAlgValues).toEqual(['RS256', 'ES256', 'EdDSA']);
    expect(config.enabledJWA?.userinfoSigningAlgValues).toEqual(['RS256', 'ES256', 'EdDSA']);
  });

  test('an algorithm without a key in service is not offered', () => {
    const withoutEd = { keys: deps.jwks.keys.filter((k) => k.kty !== 'OKP') };
    expect(buildConfiguration(settings, { ...deps, jwks: withoutEd }).enabledJWA?.idTokenSigningAlgValues).toEqual(['RS256', 'ES256']);
    // A key without alg counts by its type and curve; an encryption key never signs.
    const [rsa, ec, ed] = deps.jwks.keys.map(({ alg: _alg, ...key }) => key);
    expect(signingAlgsOf({ keys: [ed!, { ...ec!, use: 'enc' }] })).toEqual(['EdDSA']);
    expect(signingAlgsOf({ keys: [rsa!, ec!] })).toEqual(['RS256', 'ES256']);
    expect(signingAlgProblem('EdDSA', ['RS256', 'ES256'])).toBe('no signing key for EdDSA is in service (the keys sign RS256, ES256)');
    expect(signingAlgProblem('HS256', ['RS256'])).toBe('HS256 is not offered (one of RS256, ES256, EdDSA)');
  });

  test('the interaction URL is our interaction page', () => {
    const url = config.interactions?.url;
    expect(url?.(ctx('authorization'), { uid: 'abc123' } as never)).toBe('/interaction/abc123');
  });

  test('the interaction policy has select_account first, then login and consent', () => {
    const policy = config.interactions?.policy;
    expect(policy?.map((p) => p.name)).toEqual(['select_account', 'login', 'consent']);
  });

  test('logout and error pages are delegated to the page renderers', async () => {
    calls.length = 0;
    await config.features?.rpInitiatedLogout?.logoutSource?.(ctx('end_session'), '<form id="op.logoutForm"></form>');
    await config.features?.rpInitiatedLogout?.postLogoutSuccessSource?.(ctx('end_session'));
    await config.renderError?.(ctx('authorization'), { error: 'invalid_request' } as ErrorOut, new Error('x'));
    expect(calls).toEqual(['logout:<form id="op.logoutForm"></form>', 'loggedOut', 'error:invalid_request']);
  });
});

describe('static clients', () => {
  test('the clients of clients.json, with grant types derived from response types', () => {
    expect(config.clients?.map((c) => [c.client_id, c.grant_types])).toEqual([
      ['spa-both', ['implicit']],
      ['spa-id-token', ['implicit']],
      ['spa-token', ['implicit']],
      ['web-code', ['authorization_code']],
      ['first-party', ['implicit']],
      ['chooser', ['implicit']],
    ]);
  });

  test('metadata is kept', () => {
    const spaBoth = config.clients?.find((c) => c.client_id === 'spa-both');
    expect(spaBoth).toMatchObject({
      client_name: 'Both Implicit Types',
      redirect_uris: ['https://rp.example.test/cb', 'http://127.0.0.1:4000/cb'],
      post_logout_redirect_uris: ['https://rp.example.test/bye'],
      response_types: ['id_token token', 'id_token'],
      policy_uri: 'https://rp.example.test/privacy',
      token_endpoint_auth_method: 'none',
    });
  });

  test('demo clients follow the configured ones', () => {
    const withDemo = buildConfiguration({ ...settings, demo: { clients: [demoClient], users: [] } }, deps);
    expect(withDemo.clients?.map((c) => c.client_id)).toEqual([
      'spa-both',
      'spa-id-token',
      'spa-token',
      'web-code',
      'first-party',
      'chooser',
      'demo-spa',
    ]);
    expect(withDemo.clients?.at(-1)?.grant_types).toEqual(['implicit']);
  });

  test('no clients at all', () => {
    expect(buildConfiguration({ ...settings, clients: [], demo: undefined }, deps).clients).toEqual([]);
  });
});

describe('staticClient', () => {
  const base: ClientConfig = {
    client_id: 'c',
    redirect_uris: ['https://rp.example.test/cb'],
    response_types: ['id_token'],
    token_endpoint_auth_method: 'none',
  };

  test.each<[ClientConfig['response_types'], string[]]>([
    [['id_token'], ['implicit']],
    [['id_token token'], ['implicit']],
    [['id_token', 'id_token token'], ['implicit']],
    [['code'], ['authorization_code']],
    [['code', 'id_token'], ['authorization_code', 'implicit']],
    [['id_token token', 'code'], ['implicit', 'authorization_code']],
  ])('response types %j → grant types %j', (responseTypes, grantTypes) => {
    expect(staticClient({ ...base, response_types: responseTypes }).grant_types).toEqual(grantTypes);
  });

  test('declared grant types are kept', () => {
    const metadata: ClientMetadata = staticClient({
      ...base,
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token'],
    });
    expect(metadata.grant_types).toEqual(['authorization_code', 'refresh_token']);
  });

  test('the other fields are copied unchanged', () => {
    expect(staticClient(base)).toEqual({ ...base, grant_types: ['implicit'] });
  });
});

describe('clientOriginAllowed', () => {
  const uris = ['https://rp.example.test/cb', 'http://127.0.0.1:4000/cb'];

  test.each([
    ['https://rp.example.test', true],
    ['http://127.0.0.1:4000', true],
    ['https://other.example.test', false],
    ['https://rp.example.test:8443', false],
    ['http://rp.example.test', false],
    ['http://127.0.0.1:4001', false],
    ['http://localhost:4000', false],
    ['https://rp.example.test.evil.test', false],
    ['null', false],
    ['', false],
  ])('origin %s → %s', (origin, allowed) => {
    expect(clientOriginAllowed(origin, uris)).toBe(allowed);
  });

  test('no redirect URIs: no origin', () => {
    expect(clientOriginAllowed('https://rp.example.test', [])).toBe(false);
  });

  test('an opaque-origin redirect URI does not let the "null" origin in', () => {
    expect(clientOriginAllowed('null', ['com.example.app:/cb'])).toBe(false);
  });

  test('a malformed redirect URI is skipped', () => {
    expect(clientOriginAllowed('https://rp.example.test', ['not a url', 'https://rp.example.test/cb'])).toBe(true);
  });
});

describe('clientBasedCORS', () => {
  const cors = config.clientBasedCORS!;
  const client = (clientAuthMethod: string) =>
    ({ clientAuthMethod, redirectUris: ['https://rp.example.test/cb'] }) as unknown as Client;

  test('userinfo from a redirect URI origin, public or confidential client', () => {
    expect(cors(ctx('userinfo'), 'https://rp.example.test', client('none'))).toBe(true);
    expect(cors(ctx('userinfo'), 'https://rp.example.test', client('client_secret_basic'))).toBe(true);
  });

  test('userinfo from another origin is refused', () => {
    expect(cors(ctx('userinfo'), 'https://evil.example.test', client('none'))).toBe(false);
  });

  test('token endpoint: public clients only', () => {
    expect(cors(ctx('token'), 'https://rp.example.test', client('none'))).toBe(true);
    expect(cors(ctx('token'), 'https://rp.example.test', client('client_secret_post'))).toBe(false);
  });
});

describe('interactionPath', () => {
  test('is /interaction/<uid>', () => {
    expect(interactionPath('abc')).toBe('/interaction/abc');
    expect(interactionPath('Zx_9-q')).toBe('/interaction/Zx_9-q');
  });
});

describe('state.required', () => {
  type Validator = (ctx: unknown, value: unknown) => void;
  const validator = (config.extraParams as Record<string, Validator>).state!;
  const ctx = (route = 'authorization') => ({ oidc: { route } });

  test('off by default: a missing state is fine', () => {
    expect(validator(ctx(), undefined)).toBeUndefined();
  });

  test('on: a missing or empty state on the authorization endpoint is invalid_request; other routes are untouched', () => {
    runtime = { ...defaultsFrom(settings), 'state.required': true };
    expect(() => validator(ctx(), undefined)).toThrow(expect.objectContaining({ error: 'invalid_request' }));
    expect(() => validator(ctx(), '')).toThrow(expect.objectContaining({ error: 'invalid_request' }));
    expect(validator(ctx(), 'abc')).toBeUndefined();
    expect(validator(ctx('pushed_authorization_request'), undefined)).toBeUndefined();
    runtime = defaultsFrom(settings);
  });
});

describe('scopes defined at run time', () => {
  test('a defined scope is supported and releases its claims; the standard mapping stays', () => {
    expect(config.scopes).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'address', 'phone', 'contact']));
    expect((config.claims as Record<string, string[]>).contact).toEqual(['email', 'phone_number']);
    expect((config.claims as Record<string, string[]>).email).toEqual(['email', 'email_verified']);
  });
});

describe("claims within the client's allowed scopes", () => {
  const stored = { email: 'alice@example.com', phone_number: '+44 20 7946 0000', name: 'Alice' };
  const withAlice = buildConfiguration(settings, { ...deps, findAccount: async (_ctx, sub) => ({ accountId: sub, claims: () => ({ ...stored, sub }) }) });
  const releasedTo = async (client: object | undefined) =>
    (await withAlice.findAccount!({ oidc: { client } } as unknown as KoaContextWithOIDC, 'alice'))!.claims('userinfo', 'openid email phone profile', {}, []);

  test("an account's claims never hold one outside the client's allowed scopes, whatever its grant holds", async () => {
    expect(await releasedTo({ scope: 'openid' })).toEqual({ sub: 'alice' });
    expect(await releasedTo({ scope: 'openid email' })).toEqual({ sub: 'alice', email: 'alice@example.com' });
    expect(await releasedTo({ scope: 'openid contact' })).toEqual({ sub: 'alice', email: 'alice@example.com', phone_number: '+44 20 7946 0000' });
    expect(await releasedTo({})).toEqual({ sub: 'alice', ...stored }); // no registered scope: every scope is allowed
    expect(await releasedTo(undefined)).toEqual({ sub: 'alice' });
  });

  test('the claims parameter is cut to them before oidc-provider reads it; the protocol claims stay; nothing cut, nothing rewritten', async () => {
    const assertClaims = config.features!.claimsParameter!.assertClaimsParameter!;
    const request = { id_token: { email: null, auth_time: { essential: true } }, userinfo: { phone_number: null, name: null } };
    const ctx = { oidc: { params: { claims: JSON.stringify(request) } } };
    await assertClaims(ctx as unknown as KoaContextWithOIDC, request, { scope: 'openid profile' } as unknown as Client);
    expect(JSON.parse(ctx.oidc.params.claims)).toEqual({ id_token: { auth_time: { essential: true } }, userinfo: { name: null } });

    const allowed = { oidc: { params: { claims: 'as sent' } } };
    await assertClaims(allowed as unknown as KoaContextWithOIDC, { userinfo: { email: null } }, { scope: 'openid email' } as unknown as Client);
    expect(allowed.oidc.params.claims).toBe('as sent');
  });
});
