/** Keys an operator configures are the keys the provider uses; the ID token algorithm is a setting. */
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { ALICE, useProvider } from '../support/provider.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const rsa = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'configured-rsa', alg: 'RS256', use: 'sig' };
const ec = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'configured-ec', alg: 'ES256', use: 'sig' };
const cookieKey = randomBytes(32).toString('base64url');

const fixture = useProvider({ JWKS: JSON.stringify({ keys: [rsa, ec] }), COOKIE_KEYS: cookieKey, ID_TOKEN_SIGNING_ALG: 'ES256' });

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
});
