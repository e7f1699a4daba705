/**
 * Each client may have its own ID token algorithm (RS256, ES256 or EdDSA), set on every path an administrator or a
 * client has (command line, admin API, dynamic registration); ID_TOKEN_SIGNING_ALG is only the default. The
 * relying party here is jose: each ID token verified against the published JWKS with its client's algorithm.
 */
import { once } from 'node:events';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { ALICE, useProvider } from '../support/provider.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider({ SETTINGS_REFRESH_MS: '100', ID_TOKEN_SIGNING_ALG: 'EdDSA' });
const cli = (args: string[]) => runCli(args, { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test' });
const REDIRECT = 'https://rp.example.test/cb';
const ALG_RULE = 'id-token-signed-response-alg: one of RS256, ES256, EdDSA';
let adminToken = '';

beforeAll(async () => {
  adminToken = String(jsonOf(await cli(['admin-token', 'create', '--name', 'alg-tests', '--json'])).token);
}, 60_000);

async function api(method: string, path: string, body: unknown) {
  const response = await fetch(`${fixture.op.issuer}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function register(metadata: Record<string, unknown>) {
  const changed = fixture.op.live.current['registration.enabled'] ? undefined : once(fixture.op.live, 'change');
  if (changed) {
    expect((await cli(['settings', 'set', 'registration.enabled', 'true'])).code).toBe(0);
    await changed;
  }
  const token = String(jsonOf(await cli(['registration-token', 'create', '--json'])).token);
  const response = await fetch(`${fixture.op.issuer}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(metadata),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Signs Alice in to the client and verifies its ID token as a jose relying party that accepts only `alg`. */
async function idTokenVerifiedWith(clientId: string, alg: string) {
  const discovery = (await (await fetch(`${fixture.op.issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
  const final = await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, implicitParams({ client_id: clientId, response_type: 'id_token' })), ALICE);
  const idToken = fragmentParams(final.location).get('id_token')!;
  const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
  const { protectedHeader, payload } = await jwtVerify(idToken, jwks, { issuer: fixture.op.issuer, audience: clientId, algorithms: [alg] });
  return { protectedHeader, payload, idToken };
}

describe('per-client ID token signing algorithm', () => {
  test('discovery lists all three, and the JWKS carries a key for each', async () => {
    const discovery = (await (await fetch(`${fixture.op.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256', 'EdDSA']);
    const jwks = (await (await fetch(`${fixture.op.issuer}/jwks`)).json()) as { keys: { alg: string }[] };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
  });

  test('three clients, one per algorithm (command line, admin API, registration): each ID token verifies with its own', async () => {
    const viaCli = await cli(['client', 'create', '--name', 'mod_auth_openidc', '--redirect-uri', REDIRECT, '--response-type', 'id_token', '--id-token-signed-response-alg', 'RS256', '--json']);
    expect(viaCli.code).toBe(0);
    const rsClient = String(jsonOf(viaCli).client_id);
    const viaApi = await api('POST', '/clients', { name: 'Spring app', redirectUris: [REDIRECT], responseTypes: ['id_token'], idTokenSignedResponseAlg: 'ES256' });
    expect(viaApi.status).toBe(201);
    const esClient = String(viaApi.json.client_id);
    const viaRegistration = await register({ client_name: 'Modern SPA', redirect_uris: [REDIRECT], response_types: ['id_token'], grant_types: ['implicit'], id_token_signed_response_alg: 'EdDSA' });
    expect(viaRegistration.status).toBe(201);
    expect(viaRegistration.json.id_token_signed_response_alg).toBe('EdDSA');
    const edClient = String(viaRegistration.json.client_id);

    for (const [clientId, alg] of [[rsClient, 'RS256'], [esClient, 'ES256'], [edClient, 'EdDSA']] as const) {
      const { protectedHeader, payload } = await idTokenVerifiedWith(clientId, alg);
      expect(protectedHeader.alg).toBe(alg);
      expect(payload.sub).toBe(ALICE.sub);
    }
    // The setting is only the default: a client with none of its own gets EdDSA here.
    const { protectedHeader } = await idTokenVerifiedWith('spa-id-token', 'EdDSA');
    expect(protectedHeader.alg).toBe('EdDSA');

    // A change back to the default ('' on the command line) and to another algorithm (admin API).
    expect((await cli(['client', 'update', rsClient, '--id-token-signed-response-alg', '', '--json'])).code).toBe(0);
    expect(decodeProtectedHeader((await idTokenVerifiedWith(rsClient, 'EdDSA')).idToken).alg).toBe('EdDSA');
    const changed = await api('PATCH', `/clients/${esClient}`, { idTokenSignedResponseAlg: 'RS256' });
    expect(changed.json.id_token_signed_response_alg).toBe('RS256');
    expect((await idTokenVerifiedWith(esClient, 'RS256')).protectedHeader.alg).toBe('RS256');
  }, 120_000);

  test('an algorithm we do not offer is refused with a clear error on every path', async () => {
    const viaCli = await cli(['client', 'create', '--name', 'x', '--redirect-uri', REDIRECT, '--response-type', 'id_token', '--id-token-signed-response-alg', 'HS256', '--json']);
    expect({ code: viaCli.code, stdout: viaCli.stdout }).toEqual({ code: 1, stdout: '' });
    expect(viaCli.stderr).toContain(ALG_RULE);

    const viaApi = await api('POST', '/clients', { name: 'x', redirectUris: [REDIRECT], responseTypes: ['id_token'], idTokenSignedResponseAlg: 'PS256' });
    expect(viaApi).toEqual({ status: 400, json: { error: 'invalid_request', message: expect.stringContaining(ALG_RULE) } });
    const change = await api('PATCH', '/clients/spa-none-such', { idTokenSignedResponseAlg: 'none' });
    expect(change.status).toBe(400);
    expect(change.json.message).toContain('none is not offered');

    const viaRegistration = await register({ client_name: 'x', redirect_uris: [REDIRECT], response_types: ['id_token'], grant_types: ['implicit'], id_token_signed_response_alg: 'HS256' });
    expect(viaRegistration.status).toBe(400);
    expect(viaRegistration.json).toMatchObject({ error: 'invalid_client_metadata', error_description: expect.stringContaining('id_token_signed_response_alg') });
  }, 120_000);
});
