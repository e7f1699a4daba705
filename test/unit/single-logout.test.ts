/** The pure parts of single logout: the logout URI rules, the logout token, the front-channel frame address, the metadata checks. */
import { describe, expect, test } from '@jest/globals';
import { generateKeyPair, exportJWK, jwtVerify, decodeProtectedHeader } from 'jose';
import { backchannelUriProblem, frontchannelUriProblem } from '../../src/clients/logout-uri-policy.js';
import { BACKCHANNEL_EVENT, signLogoutToken } from '../../src/logout/logout-token.js';
import { backchannelTarget } from '../../src/logout/logouts.js';
import { frameSrc } from '../../src/provider/frontchannel-logout.js';
import { logoutMetadataProblem } from '../../src/provider/logout-metadata.js';
import { summarizeUserAgent } from '../../src/accounts/user-agent-summary.js';
import { DEFAULT_PATHS, parseSetting } from '../../src/settings/provider-settings.js';
import { checkDocument, DocumentError, toDocument, type DocumentRules } from '../../src/backup/backup-document.js';
import { ClientRegistry } from '../../src/clients/registry.js';
import { MemoryCollection } from '../../src/storage/memory-collection.js';

const DEV = { production: false };
const PROD = { production: true };

describe('back-channel logout URI', () => {
  test.each([
    ['https://rp.example.test/bc', DEV, undefined],
    ['http://127.0.0.1:8080/bc', DEV, undefined],
    ['http://localhost/bc', DEV, undefined],
    ['http://127.0.0.1:8080/bc', PROD, 'must use https in production'],
    ['http://rp.example.test/bc', DEV, 'must use https (plain http only for localhost and 127.0.0.1 in development)'],
    ['javascript:alert(1)', DEV, 'must use https'],
    ['https://rp.example.test/bc#x', DEV, 'must not contain a fragment'],
    ['/relative', DEV, 'must be an absolute URL'],
  ])('%s (%j): %s', (uri, policy, problem) => {
    expect(backchannelUriProblem(uri, policy)).toBe(problem);
  });
});

describe('front-channel logout URI', () => {
  const redirects = ['https://app.example.test/cb', 'http://127.0.0.1:3000/cb'];
  test('on the origin of a redirect URI', () => {
    expect(frontchannelUriProblem('https://app.example.test/fc?x=1', redirects, DEV)).toBeUndefined();
    expect(frontchannelUriProblem('http://127.0.0.1:3000/fc', redirects, DEV)).toBeUndefined();
  });
  test('another origin, a fragment, another scheme, or plain http in production are refused', () => {
    expect(frontchannelUriProblem('https://evil.example.test/fc', redirects, DEV)).toMatch(/origin of one of the client's redirect URIs/);
    expect(frontchannelUriProblem('https://app.example.test:8443/fc', redirects, DEV)).toMatch(/origin/);
    expect(frontchannelUriProblem('https://app.example.test/fc#a', redirects, DEV)).toBe('must not contain a fragment');
    expect(frontchannelUriProblem('data:text/html,x', redirects, DEV)).toBe('must use https');
    expect(frontchannelUriProblem('http://127.0.0.1:3000/fc', redirects, PROD)).toBe('must use https in production');
  });
});

describe('logout token', () => {
  test('signed with the key for the alg, carrying what Back-Channel Logout 2.4 asks and no nonce', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const token = await signLogoutToken({ issuer: 'https://op.example.test', clientId: 'rp', sub: 'alice', sid: 's-1' }, { keys: [jwk] } as never, 'ES256', 1_000_000);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'logout+jwt', kid: 'k1' });
    const { payload } = await jwtVerify(token, publicKey, { issuer: 'https://op.example.test', audience: 'rp', currentDate: new Date(1_000_010_000) });
    expect(payload).toMatchObject({ sub: 'alice', sid: 's-1', iat: 1_000_000, exp: 1_000_120, events: { [BACKCHANNEL_EVENT]: {} } });
    expect(typeof payload.jti).toBe('string');
    expect(payload).not.toHaveProperty('nonce');
  });

  test('no key for the alg: refused', async () => {
    await expect(signLogoutToken({ issuer: 'i', clientId: 'c', sub: 's' }, { keys: [] } as never, 'RS256')).rejects.toThrow('no signing key for RS256');
  });
});

describe('back-channel target', () => {
  test('from metadata: sid required unless the client says otherwise; its ID token alg, else the default', () => {
    expect(backchannelTarget({ backchannel_logout_uri: 'https://rp/bc' } as never, 'RS256')).toEqual({ uri: 'https://rp/bc', sessionRequired: true, alg: 'RS256' });
    expect(backchannelTarget({ backchannel_logout_uri: 'https://rp/bc', backchannel_logout_session_required: false, id_token_signed_response_alg: 'EdDSA' } as never, 'RS256')).toEqual({
      uri: 'https://rp/bc',
      sessionRequired: false,
      alg: 'EdDSA',
    });
    expect(backchannelTarget({} as never, 'RS256')).toBeUndefined();
  });
});

describe('front-channel frame', () => {
  test('iss and sid added when the client requires them, its own query kept', () => {
    const src = new URL(frameSrc('https://rp.example.test/fc?app=1', true, 'https://op.example.test', 'sid-1'));
    expect(Object.fromEntries(src.searchParams)).toEqual({ app: '1', iss: 'https://op.example.test', sid: 'sid-1' });
    expect(frameSrc('https://rp.example.test/fc', false, 'https://op.example.test', 'sid-1')).toBe('https://rp.example.test/fc');
  });
});

describe('logout metadata at registration', () => {
  test('dynamic registration meets the same rules', () => {
    const meta = { redirect_uris: ['https://rp.example.test/cb'] };
    expect(logoutMetadataProblem('backchannel_logout_uri', 'http://rp.example.test/bc', meta, DEV)).toMatch(/^backchannel_logout_uri must use https/);
    expect(logoutMetadataProblem('backchannel_logout_uri', 'https://rp.example.test/bc', meta, DEV)).toBeUndefined();
    expect(logoutMetadataProblem('frontchannel_logout_uri', 'https://other.example.test/fc', meta, DEV)).toMatch(/^frontchannel_logout_uri must be on the origin/);
    expect(logoutMetadataProblem('frontchannel_logout_uri', 'https://rp.example.test/fc', meta, DEV)).toBeUndefined();
    expect(logoutMetadataProblem('frontchannel_logout_session_required', 'yes', meta, DEV)).toMatch(/boolean/);
    expect(logoutMetadataProblem('first_party', true, meta, DEV)).toBeUndefined();
  });
});

describe('User-Agent summary', () => {
  test.each([
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', { browser: 'Chrome', os: 'Windows' }],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0', { browser: 'Edge', os: 'Windows' }],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15', { browser: 'Safari', os: 'macOS' }],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1', { browser: 'Safari', os: 'iOS' }],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', { browser: 'Firefox', os: 'Linux' }],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36', { browser: 'Chrome', os: 'Android' }],
    ['something else', {}],
  ])('%s', (ua, summary) => {
    expect(summarizeUserAgent(ua)).toEqual(summary);
  });
});

describe('the account page setting', () => {
  test('account.editable_claims: a list of the claims users may edit, or empty', () => {
    expect(parseSetting('account.editable_claims', ' name, email ,name')).toEqual(['account.editable_claims', 'name,email']);
    expect(parseSetting('account.editable_claims', '')).toEqual(['account.editable_claims', '']);
    expect(() => parseSetting('account.editable_claims', 'name,email_verified')).toThrow(/email_verified is not a claim users may edit/);
  });
});

describe('export and import', () => {
  test('a client with logout URIs goes through the import document; a bad one is refused with its path', () => {
    const registry = new ClientRegistry(new MemoryCollection(), { production: false, scopes: async () => ({ known: [], defaults: [] }), signingAlgs: async () => ['RS256'] });
    const rules: DocumentRules = {
      production: false,
      configuredScopes: [],
      settingDefaults: { 'implicit.enabled': true, 'state.required': false, 'ttl.access_token': 3600, 'ttl.id_token': 3600, 'ttl.session': 86400, 'registration.enabled': false, 'registration.initial_access_token': true, 'mfa.required': 'off', ...DEFAULT_PATHS },
      metadataFor: (...args) => registry.metadataFor(...args),
    };
    const client = {
      client_id: '0123456789abcdef0123456789abcdef',
      client_name: 'SPA',
      redirect_uris: ['https://spa.example/cb'],
      post_logout_redirect_uris: [],
      response_types: ['id_token token'],
      grant_types: ['implicit'],
      token_endpoint_auth_method: 'none',
      backchannel_logout_uri: 'https://spa.example/bc',
      backchannel_logout_session_required: true,
      frontchannel_logout_uri: 'https://spa.example/fc',
      frontchannel_logout_session_required: true,
      disabled: false,
      created_at: '2026-01-02T03:04:05.000Z',
    };
    const document = { version: 1, clients: [client], users: [], scopes: [], settings: {} };
    const records = checkDocument(document, rules);
    expect(records.clients[0]!.metadata).toMatchObject({ backchannel_logout_uri: 'https://spa.example/bc', frontchannel_logout_uri: 'https://spa.example/fc' });
    expect(toDocument(records)).toEqual({ ...document, groups: [], directories: [], idps: [] });
    expect(() => checkDocument({ ...document, clients: [{ ...client, frontchannel_logout_uri: 'https://evil.example/fc' }] }, rules)).toThrow(DocumentError);
  });
});
