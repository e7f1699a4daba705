/** The console's pure parts: forms in the stores' terms, refusals placed by field, sealed cookies, the migration report. */
import { describe, expect, test } from '@jest/globals';
import { clientFromForm, fieldErrors, scopeFromForm } from '../../src/admin/console/forms.js';
import { migrationRow } from '../../src/admin/console/migration.js';
import { sealWith } from '../../src/admin/console/seal.js';
import { localOrigin } from '../../src/admin/console/sign-in.js';
import { CONSOLE_CLIENT_ID, consoleClient } from '../../src/admin/console/console-client.js';
import { checkStaticClients } from '../../src/clients/static-clients.js';
import type { ClientRecord } from '../../src/clients/client-record.js';

const t = (key: string) => key;

describe('client form', () => {
  test('text areas become lists, check boxes booleans, grant types follow the response types', () => {
    const form = new URLSearchParams([
      ['name', ' Wiki '],
      ['redirectUris', 'https://a.example/cb\r\n\r\n https://b.example/cb '],
      ['responseTypes', 'code'],
      ['responseTypes', 'id_token'],
      ['refreshTokens', 'yes'],
      ['firstParty', 'yes'],
      ['accessTokenTtl', '600'],
      ['idTokenTtl', ''],
      ['logoUri', ''],
      ['idTokenSignedResponseAlg', 'ES256'],
    ]);
    // The empty choice is the provider's default: on a change it removes the client's own algorithm.
    expect(clientFromForm(new URLSearchParams({ idTokenSignedResponseAlg: '' })).idTokenSignedResponseAlg).toBe('');
    expect(clientFromForm(form)).toMatchObject({
      idTokenSignedResponseAlg: 'ES256',
      name: 'Wiki',
      redirectUris: ['https://a.example/cb', 'https://b.example/cb'],
      postLogoutRedirectUris: [],
      responseTypes: ['code', 'id_token'],
      grantTypes: ['authorization_code', 'implicit', 'refresh_token'],
      authMethod: 'none',
      firstParty: true,
      alwaysSelectAccount: false,
      accessTokenTtl: 600,
      idTokenTtl: undefined,
      logoUri: '',
    });
    expect(clientFromForm(form)).not.toHaveProperty('scopes');
  });

  test('a scope keeps one text, or one per language when Chinese is filled in', () => {
    expect(scopeFromForm(new URLSearchParams({ id: 'x', 'name.en': 'X', 'description.en': 'D', 'description.zh-CN': '描述' }))).toEqual({
      id: 'x',
      name: 'X',
      description: { en: 'D', 'zh-CN': '描述' },
      claims: [],
      icon: undefined,
      default: false,
    });
  });
});

describe('fieldErrors', () => {
  test("each part of a store's refusal lands beside its field; the rest goes on top of the form", () => {
    expect(fieldErrors('name: required; redirect-uri https://x/#f: must not have a fragment; something else')).toEqual({
      name: ['name: required'],
      redirectUris: ['redirect-uri https://x/#f: must not have a fragment'],
      form: ['something else'],
    });
    expect(fieldErrors('post-logout-redirect-uri http://x: must use https')).toEqual({ postLogoutRedirectUris: ['post-logout-redirect-uri http://x: must use https'] });
    expect(fieldErrors('grant-type: refresh_token needs authorization_code')).toEqual({ refreshTokens: ['grant-type: refresh_token needs authorization_code'] });
    expect(fieldErrors('claim foo: not a standard OpenID Connect claim')).toEqual({ claims: ['claim foo: not a standard OpenID Connect claim'] });
    const algRefusal = 'id-token-signed-response-alg: no signing key for EdDSA is in service (the keys sign RS256, ES256)';
    expect(fieldErrors(algRefusal)).toEqual({ idTokenSignedResponseAlg: [algRefusal] });
  });
});

describe('sealed cookie values', () => {
  test('round trip; unreadable; a changed value, another deployment or an expired one opens to nothing', async () => {
    const seal = sealWith(['first-cookie-key-0123456789abcdef']);
    const value = await seal.seal({ sub: 'alice', verifier: 'secret-verifier' }, 60);
    expect(value).not.toContain('secret-verifier');
    expect(Buffer.from(value.split('.')[3] ?? '', 'base64url').toString()).not.toContain('secret-verifier');
    await expect(seal.open(value)).resolves.toMatchObject({ sub: 'alice', verifier: 'secret-verifier' });
    const flipped = value.slice(0, -3) + (value.at(-3) === 'A' ? 'B' : 'A') + value.slice(-2);
    await expect(seal.open(flipped)).resolves.toBeUndefined();
    await expect(sealWith(['another-deployment-key-0123456789']).open(value)).resolves.toBeUndefined();
    await expect(seal.open(await seal.seal({ sub: 'alice' }, -10))).resolves.toBeUndefined();
    await expect(seal.open(undefined)).resolves.toBeUndefined();
    await expect(seal.open('garbage')).resolves.toBeUndefined();
  });

  test('cookie keys rotate: the new first key seals, the old one still opens', async () => {
    const old = await sealWith(['old-key-0123456789abcdef0123456789']).seal({ sub: 'bob' }, 60);
    await expect(sealWith(['new-key-0123456789abcdef0123456789', 'old-key-0123456789abcdef0123456789']).open(old)).resolves.toMatchObject({ sub: 'bob' });
  });
});

describe('localOrigin', () => {
  test('the address the callback arrived on, as an origin', () => {
    expect(localOrigin('127.0.0.1', 3000)).toBe('http://127.0.0.1:3000');
    expect(localOrigin('::ffff:10.0.0.5', 8080)).toBe('http://10.0.0.5:8080');
    expect(localOrigin('::1', 3000)).toBe('http://[::1]:3000');
  });
});

describe('migrationRow', () => {
  const client = (responseTypes: string[], auth = 'none'): ClientRecord => ({
    metadata: { client_id: 'c1', client_name: 'App', response_types: responseTypes, token_endpoint_auth_method: auth } as ClientRecord['metadata'],
    createdAt: '2026-01-01T00:00:00Z',
  });

  test('a client registered for implicit, used in the period: counts and every step', () => {
    const row = migrationRow(client(['id_token token', 'id_token']), { byType: { 'id_token token': 5, id_token: 2, code: 1 } }, t);
    expect(row).toEqual({
      id: 'c1',
      name: 'App',
      implicit: 7,
      code: 1,
      steps: ['admin.migration.step.add_code', 'admin.migration.step.library', 'admin.migration.step.public', 'admin.migration.step.watch'],
    });
  });

  test('code already registered and no implicit use: only the last steps; a code-only client is not listed', () => {
    expect(migrationRow(client(['code', 'id_token'], 'client_secret_basic'), undefined, t)!.steps).toEqual(['admin.migration.step.library', 'admin.migration.step.remove']);
    expect(migrationRow(client(['code']), { byType: { code: 9 } }, t)).toBeUndefined();
  });
});

describe('the console client', () => {
  test('code + PKCE only, first party, its callback on the issuer; config files cannot take its id', () => {
    const client = consoleClient('https://id.example.test', 'k'.repeat(32));
    expect(client).toMatchObject({ response_types: ['code'], grant_types: ['authorization_code'], first_party: true, redirect_uris: ['https://id.example.test/admin/callback'] });
    expect(client.client_secret).toMatch(/^sha256:/);
    const declared = { ...client, client_secret: undefined, client_name: 'Mine' };
    expect(() => checkStaticClients([declared], 'config/clients.json', { production: true }, [CONSOLE_CLIENT_ID])).toThrow(
      "config/clients.json [0].client_id: oidc-op-console is the provider's own (the web console)",
    );
  });
});
