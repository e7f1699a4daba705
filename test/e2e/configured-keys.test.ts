/** Keys an operator configures are the keys the provider uses; the ID token algorithm is a setting. */
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { useConfigDirs } from '../support/config-dir.js';
import { ALICE, FIXTURES_CONFIG, startTestProvider, useProvider } from '../support/provider.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const rsa = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'configured-rsa', alg: 'RS256', use: 'sig' };
const ec = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'configured-ec', alg: 'ES256', use: 'sig' };
const cookieKey = randomBytes(32).toString('base64url');

const fixture = useProvider({ JWKS: JSON.stringify({ keys: [rsa, ec] }), COOKIE_KEYS: cookieKey, ID_TOKEN_SIGNING_ALG: 'ES256' });
const configDir = useConfigDirs();

describe('configured keys', () => {
  test('JWKS publishes only public parts of the configured keys; ID tokens are ES256 with the configured kid', async () => {
    const jwks = (await (await fetch(`${fixture.op.issuer}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual(['configured-ec', 'configured-rsa']);
    for (const key of jwks.keys) expect(key.d).toBeUndefined();

    const final = await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
    const { protectedHeader, payload } = await verifyIdToken(fixture.op.issuer, fragmentParams(final.location).get('id_token')!, 'spa-both');
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: 'configured-ec' });
    expect(payload.sub).toBe(ALICE.sub);
    // Nothing was generated: the store holds no keys of ours.
    expect(await fixture.op.stores.keys.get('signing')).toBeUndefined();
    expect(await fixture.op.stores.keys.get('cookies')).toBeUndefined();
  });

  test('cookies are signed with the configured cookie key', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const start = await ua.request(authorizeUrl(fixture.op.issuer, implicitParams()));
    const cookies = start.headers.getSetCookie();
    const value = cookies.find((c) => c.startsWith('_interaction='))!.split(';')[0]!;
    const signature = cookies.find((c) => c.startsWith('_interaction.sig='))!.split(';')[0]!.split('=')[1]!;
    const expected = createHmac('sha1', cookieKey).update(value).digest('base64').replace(/\//g, '_').replace(/\+/g, '-').replace(/=+$/, '');
    expect(signature).toBe(expected);
  });

  test('an algorithm without a configured key is unavailable: not in discovery, refused with a clear error', async () => {
    const discovery = (await (await fetch(`${fixture.op.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256']);
    const asked = { name: 'Ed only', redirectUris: ['https://rp.example.test/cb'], responseTypes: ['id_token'], idTokenSignedResponseAlg: 'EdDSA' };
    await expect(fixture.op.stores.clients.create(asked)).rejects.toThrow('id-token-signed-response-alg: no signing key for EdDSA is in service (the keys sign RS256, ES256)');
    const rs = await fixture.op.stores.clients.create({ ...asked, idTokenSignedResponseAlg: 'RS256' });
    await expect(fixture.op.stores.clients.update(rs.client_id, { idTokenSignedResponseAlg: 'EdDSA' })).rejects.toThrow('no signing key for EdDSA is in service');
  });

  test('the server refuses to start with a default or a config-file client the keys cannot sign', async () => {
    const keys = { JWKS: JSON.stringify({ keys: [rsa, ec] }), COOKIE_KEYS: cookieKey };
    // A server that does start is stopped at once, and the refusal expected is what fails.
    const refusal = (extra: Record<string, string>) =>
      startTestProvider(undefined, { ...keys, ...extra }).then(
        async (op) => {
          await op.close(100);
          return 'started';
        },
        (err: Error) => err.message,
      );
    expect(await refusal({ ID_TOKEN_SIGNING_ALG: 'EdDSA' })).toBe(
      'ID_TOKEN_SIGNING_ALG=EdDSA: no signing key for EdDSA is in service (the keys sign RS256, ES256); add a key for it to JWKS or choose another',
    );
    const clients = JSON.parse(readFileSync(join(FIXTURES_CONFIG, 'clients.json'), 'utf8')) as Record<string, unknown>[];
    const dir = configDir({ 'clients.json': [{ ...clients[0], id_token_signed_response_alg: 'EdDSA' }], 'demo.json': { clients: [], users: [] } });
    expect(await refusal({ CONFIG_DIR: dir })).toMatch(/clients\.json \[0\]\.id_token_signed_response_alg: no signing key for EdDSA is in service/);
  });
});
