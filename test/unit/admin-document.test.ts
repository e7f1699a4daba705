/** The import document's rules: each refusal names its path and the rule; a valid document yields what the stores keep. */
import { describe, expect, test } from '@jest/globals';
import { checkDocument, DocumentError, toDocument, type DocumentRules } from '../../src/backup/backup-document.js';
import { DEFAULT_PATHS } from '../../src/settings/provider-settings.js';
import { ClientRegistry } from '../../src/clients/registry.js';
import { MemoryCollection } from '../../src/storage/memory-collection.js';

const registry = new ClientRegistry(new MemoryCollection(), { production: false, scopes: async () => ({ known: [], defaults: [] }), signingAlgs: async () => ['RS256'] });
const rules: DocumentRules = {
  production: false,
  configuredScopes: ['library'],
  settingDefaults: { 'implicit.enabled': true, 'state.required': false, 'ttl.access_token': 3600, 'ttl.id_token': 3600, 'ttl.session': 86400, 'registration.enabled': false, 'registration.initial_access_token': true, 'mfa.required': 'off', ...DEFAULT_PATHS },
  metadataFor: (...args) => registry.metadataFor(...args),
};

const HASH = '$argon2id$v=19$m=8192,p=4,t=1$N2SBidhwFNM+JxrqF72CEA$xivtvnRRyJ1FkY/282LlcprVV7729oj3VhqcBN0bWPE';
const SECRET = `sha256:${'a'.repeat(43)}`;
const T = '2026-01-02T03:04:05.000Z';
const spa = {
  client_id: '0123456789abcdef0123456789abcdef',
  client_name: 'SPA',
  redirect_uris: ['https://spa.example/cb'],
  post_logout_redirect_uris: [],
  response_types: ['id_token token'],
  grant_types: ['implicit'],
  token_endpoint_auth_method: 'none',
  disabled: false,
  created_at: T,
};
const web = { ...spa, client_id: 'fedcba9876543210fedcba9876543210', response_types: ['code'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic', client_secret: SECRET };
const user = { sub: 'abc', username: 'Zoe', passwordHash: HASH, claims: { email: 'zoe@example.com' }, groups: ['Staff'], role: 'user', disabled: false, createdAt: T, updatedAt: T };
const SEALED = 'sealed:eyJhbGciOiJkaXIifQ..aXY.Y2lwaGVy.dGFn';
const corp = {
  name: 'corp', kind: 'openldap', urls: ['ldaps://ldap.corp.example'], bindDn: 'cn=reader,dc=corp', bindPassword: SEALED, userBase: 'ou=people,dc=corp',
  startTls: false, domains: ['corp.example'], claimMap: {}, order: 100, connectTimeoutMs: 3000, timeoutMs: 5000, createdAt: T, updatedAt: T,
};
const oidcIdp = {
  name: 'corp-oidc', type: 'oidc', displayName: 'Corp', enabled: true, domains: ['corp.example'], linkByVerifiedEmail: false, trustEmail: false, claimMap: {}, order: 100,
  oidc: { issuer: 'https://login.corp.example', clientId: 'broker', clientSecret: SEALED, scopes: ['openid', 'email'], useUserinfo: false }, createdAt: T, updatedAt: T,
};
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const samlIdp = {
  name: 'corp-saml', type: 'saml', displayName: { en: 'Corp SAML', 'zh-CN': '公司' }, enabled: true, domains: [], linkByVerifiedEmail: true, trustEmail: true, claimMap: {}, order: 5,
  saml: { metadataXml: '<EntityDescriptor/>', entityId: 'https://idp.corp.example', ssoUrl: 'https://idp.corp.example/sso', certificates: [CERT], subjectAttribute: 'uid' }, createdAt: T, updatedAt: T,
};
const valid = { version: 1, clients: [spa, web], users: [user], scopes: [{ id: 'billing', name: 'Billing', description: 'Invoices', claims: ['email'] }], settings: { 'ttl.access_token': 600 }, groups: [{ name: 'Staff', createdAt: T, updatedAt: T }], directories: [corp], idps: [oidcIdp, samlIdp] };

function issuesOf(document: unknown): string[] {
  try {
    checkDocument(document, rules);
  } catch (err) {
    if (err instanceof DocumentError) return err.issues;
    throw err;
  }
  throw new Error('accepted');
}

describe('checkDocument', () => {
  test('a valid document gives back the records, and toDocument gives back the document', () => {
    const records = checkDocument(valid, rules);
    expect(records.clients.map((c) => c.metadata.client_id)).toEqual([spa.client_id, web.client_id]);
    expect(records.clients[1]!.metadata.client_secret).toBe(SECRET);
    expect(records.users).toEqual([user]);
    expect(toDocument(records)).toEqual(valid);
    // A document written before directories were exported: none, and a bind password may be absent.
    expect(checkDocument({ ...valid, directories: undefined }, rules).directories).toEqual([]);
    const { bindPassword: _sealed, ...unsealed } = corp;
    expect(checkDocument({ ...valid, directories: [unsealed] }, rules).directories).toEqual([unsealed]);
    // The same for IdPs: none before they were exported, and an OIDC client secret may be absent.
    expect(checkDocument({ ...valid, idps: undefined }, rules).idps).toEqual([]);
    const { clientSecret: _secret, ...withoutSecret } = oidcIdp.oidc;
    expect(checkDocument({ ...valid, idps: [{ ...oidcIdp, oidc: withoutSecret }] }, rules).idps).toEqual([{ ...oidcIdp, oidc: withoutSecret }]);
  });

  test.each([
    [{ ...valid, clients: [{ ...spa, redirect_uris: ['https://ok.example/cb', 'http://evil.example/cb'] }] }, 'clients[0].redirect_uris[1]: must use https (plain http only for localhost and 127.0.0.1 in development)'],
    [{ ...valid, clients: [{ ...spa, post_logout_redirect_uris: ['https://*.example/bye'] }] }, 'clients[0].post_logout_redirect_uris[0]: must not contain wildcards'],
    [{ ...valid, clients: [{ ...web, client_secret: 'plain' }] }, 'clients[0].client_secret: the secret as its sha256: hash (an export never holds a plain secret)'],
    [{ ...valid, clients: [{ ...web, client_secret: undefined }] }, 'clients[0].client_secret: required for client_secret_basic (the sha256: hash)'],
    [{ ...valid, clients: [{ ...spa, client_secret: SECRET }] }, 'clients[0].client_secret: a public client (auth method none) has no secret'],
    [{ ...valid, clients: [{ ...spa, scope: 'openid nonsense' }] }, 'clients[0]: scope nonsense: not a scope this provider knows (openid, profile, email, address, phone, groups, library, billing)'],
    [{ ...valid, clients: [{ ...spa, grant_types: ['implicit', 'refresh_token'] }] }, 'clients[0]: grant-type: refresh_token needs authorization_code (implicit clients never get refresh tokens)'],
    [{ ...valid, clients: [{ ...spa, jwks_uri: 'https://x' }] }, 'clients[0]: Unrecognized key: "jwks_uri"'],
    [{ ...valid, clients: [spa, spa] }, 'clients[1].client_id: the same id as clients[0]'],
    [{ ...valid, users: [user, { ...user, sub: 'other', username: 'ZOE' }] }, 'users[1].username: the same username (matched case-insensitively) as users[0]'],
    [{ ...valid, users: [user, { ...user, username: 'zed' }] }, 'users[1].sub: the same sub as users[0]'],
    [{ ...valid, users: [{ ...user, passwordHash: '$2b$10$bcrypt' }] }, 'users[0].passwordHash: an argon2id hash in PHC form ($argon2id$v=19$m=…,t=…,p=…$salt$hash)'],
    [{ ...valid, users: [{ ...user, username: 'has space' }] }, 'users[0]: username: letters, digits and . _ @ + - only'],
    [{ ...valid, users: [{ ...user, claims: { sub: 'x' } }] }, 'users[0]: claim sub: set by the provider, not by hand'],
    [{ ...valid, users: [{ ...user, role: 'root' }] }, 'users[0].role: one of user, admin'],
    [{ ...valid, users: [{ ...user, createdAt: 'yesterday' }] }, 'users[0].createdAt: a UTC date and time (ISO 8601)'],
    [{ ...valid, scopes: [{ id: 'x', name: '', description: 'y' }] }, 'scopes[0]: name: required'],
    [{ ...valid, scopes: [{ id: 'x', name: 'X', description: 'y', claims: ['aud'] }] }, 'scopes[0]: claim aud: reserved by the protocol (set by the provider, never by hand)'],
    [{ ...valid, settings: { 'state.required': 'yes' } }, 'settings.state.required: state.required: true or false'],
    [{ ...valid, settings: { 'paths.userinfo': '/jwks' } }, 'settings.paths.userinfo: paths.userinfo: /jwks is already paths.jwks'],
    [{ ...valid, settings: { colour: 'red' } }, expect.stringMatching(/^settings\.colour: colour: not a setting/)],
    [{ ...valid, version: 2 }, 'version: 1 (the format this provider writes)'],
    [{ ...valid, groups: [] }, "users[0].groups[0]: group Staff is not among the document's groups"],
    [{ ...valid, groups: [...valid.groups, { name: 'STAFF', createdAt: T, updatedAt: T }] }, 'groups[1].name: the same name (matched case-insensitively) as groups[0]'],
    [{ ...valid, groups: [{ name: 'bad*', createdAt: T, updatedAt: T }] }, expect.stringMatching(/^groups\[0\]\.name: group name "bad\*"/)],
    [{ ...valid, users: [{ ...user, claims: { iss: 'x' } }] }, 'users[0]: claim iss: reserved by the protocol (set by the provider, never by hand)'],
    [{ clients: [], users: [], scopes: [] }, expect.stringMatching(/^version: /)],
    [{ ...valid, directories: [{ ...corp, bindPassword: 'reader-secret' }] }, 'directories[0].bindPassword: sealed with KEYS_ENCRYPTION_KEY (sealed:…) or absent: a bind password never travels in plain text'],
    [{ ...valid, directories: [{ ...corp, urls: ['http://ldap.corp.example'] }] }, 'directories[0].urls[0]: ldap://host[:port] or ldaps://host[:port]'],
    [{ ...valid, directories: [{ ...corp, userFilter: '(uid=alice)' }] }, 'directories[0].userFilter: must contain {username}'],
    [{ ...valid, directories: [{ ...corp, colour: 'red' }] }, expect.stringMatching(/^directories\[0\]: Unrecognized key: "colour"/)],
    [{ ...valid, directories: [corp, corp] }, 'directories[1].name: the same name as directories[0]'],
    [{ ...valid, idps: [{ ...oidcIdp, oidc: { ...oidcIdp.oidc, clientSecret: 'upstream-secret' } }] }, 'idps[0].oidc.clientSecret: sealed with KEYS_ENCRYPTION_KEY (sealed:…) or absent: a client secret never travels in plain text'],
    [{ ...valid, idps: [{ ...oidcIdp, oidc: { ...oidcIdp.oidc, issuer: 'ftp://login.corp.example' } }] }, 'idps[0].oidc.issuer: an http(s) URL without credentials or fragment'],
    [{ ...valid, idps: [{ ...oidcIdp, trustEmail: true }] }, 'idps[0]: trustEmail: only for type saml (an OpenID Connect upstream says email_verified itself)'],
    [{ ...valid, idps: [{ ...samlIdp, saml: { ...samlIdp.saml, allowUnencrypted: true } }] }, expect.stringMatching(/^idps\[0\]\.saml: Unrecognized key: "allowUnencrypted"/)],
    [{ ...valid, idps: [samlIdp, samlIdp] }, 'idps[1].name: the same name as idps[0]'],
  ])('refused: %#', (document, issue) => {
    expect(issuesOf(document)).toContainEqual(issue);
  });

  test('every problem is listed, not only the first', () => {
    const issues = issuesOf({ ...valid, clients: [{ ...spa, redirect_uris: ['http://a.example/cb'] }], users: [{ ...user, passwordHash: 'x' }] });
    expect(issues).toHaveLength(2);
  });
});
