/** examples/node-backend: ID tokens verified with jose (keys from discovery), access tokens checked at userinfo with openid-client. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { serveBackend, type RunningBackend } from '../../examples/node-backend/server.js';
import { authorizeUrl, signIn } from '../support/flows.js';
import { freePort } from '../support/ports.js';
import { ALICE, useProvider } from '../support/provider.js';
import { registerClient, registrationArgs } from '../support/register-client.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider();
const APP = 'http://127.0.0.1:4000';
const REGISTER = fileURLToPath(new URL('../../examples/node-backend/register.sh', import.meta.url));
let backend: RunningBackend;
let clientId: string;
let tokens: URLSearchParams;

beforeAll(async () => {
  ({ client_id: clientId } = await registerClient(fixture, await registrationArgs(REGISTER, { APP })));
  backend = await serveBackend({ issuer: fixture.op.issuer, clientId, port: await freePort() });
  const final = await signIn(
    new UserAgent(fixture.op.issuer),
    authorizeUrl(fixture.op.issuer, { client_id: clientId, response_type: 'id_token token', scope: 'openid profile email', redirect_uri: `${APP}/`, nonce: 'n-123', state: 's-1' }),
    ALICE,
  );
  tokens = fragmentParams(final.location);
});

afterAll(async () => {
  await backend?.close();
});

const session = (body: unknown) => fetch(`${backend.url}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const profile = (authorization?: string) => fetch(`${backend.url}/profile`, authorization ? { headers: { authorization } } : {});

describe('examples/node-backend', () => {
  test('accepts the ID token the provider issued to its client, with the nonce of the request', async () => {
    const res = await session({ id_token: tokens.get('id_token'), nonce: 'n-123' });
    expect(res.status).toBe(200);
    await expect(res.json()).resolves.toEqual({ sub: ALICE.sub });
  });

  test('refuses an ID token whose signature, audience or nonce is wrong, saying why', async () => {
    const [header, payload, signature] = tokens.get('id_token')!.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    forged.sub = 'someone-else';
    const tampered = await session({ id_token: `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}` });
    expect(tampered.status).toBe(401);
    await expect(tampered.json()).resolves.toMatchObject({ error: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });

    // A genuine ID token, issued to another client: aud is not ours.
    const other = await signIn(
      new UserAgent(fixture.op.issuer),
      authorizeUrl(fixture.op.issuer, { client_id: 'spa-both', response_type: 'id_token', scope: 'openid', redirect_uri: 'https://rp.example.test/cb', nonce: 'n', state: 's' }),
      ALICE,
    );
    const foreign = await session({ id_token: fragmentParams(other.location).get('id_token') });
    expect(foreign.status).toBe(401);
    await expect(foreign.json()).resolves.toMatchObject({ error: 'ERR_JWT_CLAIM_VALIDATION_FAILED', message: expect.stringContaining('aud') });

    const replayed = await session({ id_token: tokens.get('id_token'), nonce: 'another-request' });
    expect(replayed.status).toBe(401);
    expect((await session({})).status).toBe(400);
  });

  test('answers the profile for the access token, from userinfo, and refuses a token the provider does not know', async () => {
    const res = await profile(`Bearer ${tokens.get('access_token')}`);
    expect(res.status).toBe(200);
    await expect(res.json()).resolves.toMatchObject({ sub: ALICE.sub, name: 'Alice Liddell', email: 'alice@example.com' });

    const unknown = await profile('Bearer not-a-token-the-provider-issued');
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await profile()).status).toBe(401);
  });
});
