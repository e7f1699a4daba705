/**
 * Token revocation (RFC 7009) under our explicit policy: a client revokes only the tokens issued to it, and
 * oidc-provider's notice about its default policy is never printed.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { ALICE, useProvider } from '../support/provider.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider();
const userinfo = (token: string) => fetch(`${fixture.op.issuer}/me`, { headers: { authorization: `Bearer ${token}` } });

function revoke(token: string, client: { id: string; secret?: string }): Promise<Response> {
  const form = new URLSearchParams({ token, token_type_hint: 'access_token' });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (client.secret) headers.authorization = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
  else form.set('client_id', client.id);
  return fetch(`${fixture.op.issuer}/token/revocation`, { method: 'POST', headers, body: form.toString() });
}

/** What oidc-provider prints through console.info (its NOTICE lines) while a test runs. */
let notices: string[] = [];
const consoleInfo = console.info;
beforeEach(() => {
  notices = [];
  console.info = (...args: unknown[]) => notices.push(args.map(String).join(' '));
});
afterEach(() => {
  console.info = consoleInfo;
});

describe('revocation policy', () => {
  test("client B cannot revoke client A's access token; A can; no notice is printed", async () => {
    const final = await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
    const token = fragmentParams(final.location).get('access_token')!;
    expect((await userinfo(token)).status).toBe(200);

    // A public client naming itself: the empty answer of an unknown token, and the token stays valid.
    const byPublic = await revoke(token, { id: 'spa-token' });
    expect(byPublic.status).toBe(200);
    expect((await userinfo(token)).status).toBe(200);

    // A confidential client, authenticated: told it may not.
    const confidential = await fixture.op.stores.clients.create({
      name: 'Back office',
      redirectUris: ['https://office.example.test/cb'],
      responseTypes: ['code'],
      authMethod: 'client_secret_basic',
    });
    const byConfidential = await revoke(token, { id: confidential.client_id, secret: confidential.client_secret });
    expect(byConfidential.status).toBe(400);
    expect(await byConfidential.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/not authorized to revoke/) });
    expect((await userinfo(token)).status).toBe(200);

    const byOwner = await revoke(token, { id: 'spa-both' });
    expect(byOwner.status).toBe(200);
    expect((await userinfo(token)).status).toBe(401);

    expect(notices.filter((line) => line.includes('oidc-provider NOTICE'))).toEqual([]);
  });
});
