/** Dynamic client registration (RFC 7591) and management (RFC 7592): off by default, on by setting, into our registry. */
import { once } from 'node:events';
import { describe, expect, test } from '@jest/globals';
import * as client from 'openid-client';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, submitForm, submitLogin } from '../support/flows.js';
import { ALICE, useProvider } from '../support/provider.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider({ SETTINGS_REFRESH_MS: '100' });
const cli = (args: string[]) => runCli(args, { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test' });
const REDIRECT = 'https://rp.example.test/dcr';

/** Sets a runtime setting and resolves once this instance has picked it up (and rebuilt its provider). */
async function setting(key: string, value: string): Promise<void> {
  if (String((fixture.op.live.current as Record<string, unknown>)[key]) === value) return;
  const changed = once(fixture.op.live, 'change');
  expect((await cli(['settings', 'set', key, value])).code).toBe(0);
  await changed;
}

const discovery = async () => (await (await fetch(`${fixture.op.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;

async function mintToken(): Promise<string> {
  const result = await cli(['registration-token', 'create', '--expires-in', '600', '--json']);
  expect(result.code).toBe(0);
  return String(jsonOf(result).token);
}

/** A plain RFC 7591 request, for the refusals openid-client would not let us send. */
async function register(metadata: Record<string, unknown>, token?: string) {
  const response = await fetch(`${fixture.op.issuer}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(metadata),
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown>, headers: response.headers };
}

const manage = (uri: string, token: string, method = 'GET', body?: object) =>
  fetch(uri, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body && JSON.stringify(body) });

const implicitMetadata = { client_name: 'Self-registered SPA', redirect_uris: [REDIRECT], response_types: ['id_token token'], grant_types: ['implicit'] };

describe('dynamic client registration', () => {
  test('off by default: no registration_endpoint in discovery, and the endpoint is not there', async () => {
    expect(await discovery()).not.toHaveProperty('registration_endpoint');
    expect((await register(implicitMetadata)).status).toBe(404);
  });

  test('on, with an initial access token: register with openid-client, sign in with the new client, consent asked', async () => {
    await setting('registration.enabled', 'true');
    expect((await discovery()).registration_endpoint).toBe(`${fixture.op.issuer}/reg`);

    // Without a token, or with a made-up one: refused.
    const anonymous = await register(implicitMetadata);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_token');
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await register(implicitMetadata, 'made-up-token')).body.error).toBe('invalid_token');

    const registered = await client.dynamicClientRegistration(new URL(fixture.op.issuer), implicitMetadata, client.None(), {
      initialAccessToken: await mintToken(),
      execute: [client.allowInsecureRequests],
    });
    const clientId = registered.clientMetadata().client_id;
    expect(clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(registered.clientMetadata().registration_access_token).toEqual(expect.any(String));

    // It is in our registry, marked as self-registered.
    const shown = jsonOf(await cli(['client', 'show', clientId, '--json']));
    expect(shown).toMatchObject({ client_id: clientId, client_name: 'Self-registered SPA', redirect_uris: [REDIRECT], dynamically_registered: true });
    expect(shown).not.toHaveProperty('first_party');

    // An implicit sign-in with it: the consent page is shown (never first-party), then the tokens.
    const ua = new UserAgent(fixture.op.issuer);
    const params = { client_id: clientId, response_type: 'id_token token', scope: 'openid', redirect_uri: REDIRECT, nonce: 'dcr-nonce', state: 'dcr-state' };
    const login = await ua.follow(authorizeUrl(fixture.op.issuer, params));
    const consent = await submitLogin(ua, login, ALICE.username, ALICE.password);
    expect(consent.body).toContain('Self-registered SPA');
    expect(consent.body).toContain('/confirm"');
    const back = await submitForm(ua, consent, 'confirm');
    const fragment = fragmentParams(back.location);
    expect(back.location?.startsWith(REDIRECT)).toBe(true);
    const { payload } = await verifyIdToken(fixture.op.issuer, fragment.get('id_token')!, clientId);
    expect(payload).toMatchObject({ aud: clientId, nonce: 'dcr-nonce' });
    expect(fragment.get('state')).toBe('dcr-state');
  });

  test('RFC 7592: read, update (a new registration access token each time) and delete with the registration access token', async () => {
    await setting('registration.enabled', 'true');
    const created = await register({ ...implicitMetadata, client_name: 'Managed' }, await mintToken());
    expect(created.status).toBe(201);
    const { client_id: clientId, registration_client_uri: uri, registration_access_token: firstToken } = created.body as Record<string, string>;
    expect(uri).toBe(`${fixture.op.issuer}/reg/${clientId}`);
    expect(created.body).not.toHaveProperty('client_secret');

    const read = await manage(uri!, firstToken!);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ client_id: clientId, client_name: 'Managed', redirect_uris: [REDIRECT] });
    expect((await manage(uri!, 'wrong-token')).status).toBe(401);

    const update = await manage(uri!, firstToken!, 'PUT', { ...implicitMetadata, client_id: clientId, client_name: 'Managed, renamed', redirect_uris: [REDIRECT, `${REDIRECT}/2`] });
    expect(update.status).toBe(200);
    const updated = (await update.json()) as Record<string, unknown>;
    expect(updated).toMatchObject({ client_name: 'Managed, renamed', redirect_uris: [REDIRECT, `${REDIRECT}/2`] });
    const secondToken = String(updated.registration_access_token);
    expect(secondToken).not.toBe(firstToken);
    expect((await manage(uri!, firstToken!)).status).toBe(401);
    expect(jsonOf(await cli(['client', 'show', clientId!, '--json']))).toMatchObject({ client_name: 'Managed, renamed' });

    // The update passes the same rules: a wildcard is refused, and nothing changes.
    const refused = await manage(uri!, secondToken, 'PUT', { ...implicitMetadata, client_id: clientId, redirect_uris: ['https://*.example.test/cb'] });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_redirect_uri', error_description: expect.stringMatching(/^redirect_uris .*wildcards/) });
    expect(jsonOf(await cli(['client', 'show', clientId!, '--json']))).toMatchObject({ redirect_uris: [REDIRECT, `${REDIRECT}/2`] });

    expect((await manage(uri!, secondToken, 'DELETE')).status).toBe(204);
    const gone = await cli(['client', 'show', clientId!, '--json']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/not found/);
    expect((await manage(uri!, secondToken)).status).toBe(401);

    // The audit trail has each step, with the client.
    await fixture.op.stores.audit.flush();
    const events = jsonOf(await cli(['audit', 'tail', '--client', clientId!, '--json'])).events as { action: string; outcome: string; actor: string }[];
    expect(events.map((e) => `${e.actor} ${e.action} ${e.outcome}`)).toEqual([
      'registration client registration delete success',
      'registration client registration update failure',
      'registration client registration update success',
      'registration client register success',
    ]);
  });

  test('a confidential client gets its secret once; only its hash is stored and it authenticates at the token endpoint', async () => {
    await setting('registration.enabled', 'true');
    const created = await register(
      { client_name: 'Server app', redirect_uris: [REDIRECT], response_types: ['code'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic' },
      await mintToken(),
    );
    expect(created.status).toBe(201);
    const secret = String(created.body.client_secret);
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(created.body.client_secret_expires_at).toBe(0);
    const stored = await fixture.op.stores.redis!.hget('{clients}:records', String(created.body.client_id));
    expect(stored).not.toContain(secret);
    expect(stored).toContain('"client_secret":"sha256:');
    const read = (await (await manage(String(created.body.registration_client_uri), String(created.body.registration_access_token))).json()) as Record<string, unknown>;
    expect(read).not.toHaveProperty('client_secret');

    // The secret works: a wrong code is invalid_grant (client authenticated), a wrong secret invalid_client.
    const token = (password: string) =>
      fetch(`${fixture.op.issuer}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${String(created.body.client_id)}:${password}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'nope', redirect_uri: REDIRECT, code_verifier: 'x'.repeat(43) }),
      }).then(async (r) => ((await r.json()) as { error: string }).error);
    expect(await token(secret)).toBe('invalid_grant');
    expect(await token('wrong')).toBe('invalid_client');
  });

  test('refusals name the field and the rule', async () => {
    await setting('registration.enabled', 'true');
    const token = await mintToken();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      // oidc-provider's own schema speaks first where it has the rule; ours follows with the rest.
      [{ redirect_uris: ['https://rp.example.test/cb#frag'] }, 'invalid_redirect_uri', /^redirect_uris must not contain fragments/],
      [{ redirect_uris: ['https://*.example.test/cb'] }, 'invalid_redirect_uri', /redirect_uris .*: must not contain wildcards/],
      [{ redirect_uris: ['http://app.example.test/cb'], response_types: ['code'], grant_types: ['authorization_code'] }, 'invalid_redirect_uri', /^redirect_uris http:\/\/app\.example\.test\/cb: must use https/],
      [{ client_name: 'x'.repeat(201) }, 'invalid_client_metadata', /^client_name: at most 200 characters/],
      [{ client_name: undefined }, 'invalid_client_metadata', /^client_name: required/],
      [{ first_party: true }, 'invalid_client_metadata', /^first_party: never for a client that registered itself/],
      [{ access_token_ttl: 86400 }, 'invalid_client_metadata', /^access_token_ttl: set by an administrator only/],
      [{ sector_identifier_uri: 'https://169.254.169.254/latest' }, 'invalid_client_metadata', /^sector_identifier_uri: not supported/],
      [{ scope: 'openid unknown-scope' }, 'invalid_client_metadata', /^scope must only contain Authorization Server supported scope values/],
      [{ scope: 'profile' }, 'invalid_client_metadata', /^scope: openid must be among the allowed scopes/],
      [{ contacts: [`${'x'.repeat(3000)}@example.test`] }, 'invalid_client_metadata', /^contacts: at most 2000 characters/],
    ];
    for (const [change, error, description] of cases) {
      const refused = await register({ ...implicitMetadata, ...change }, token);
      expect({ change, status: refused.status, error: refused.body.error }).toEqual({ change, status: 400, error });
      expect(refused.body.error_description).toMatch(description);
    }
    const before = (jsonOf(await cli(['client', 'list', '--json'])).clients as unknown[]).length;
    await register({ ...implicitMetadata, redirect_uris: ['https://rp.example.test/cb#frag'] }, token);
    expect((jsonOf(await cli(['client', 'list', '--json'])).clients as unknown[]).length).toBe(before);

    // Response types only those the settings allow.
    await setting('implicit.enabled', 'false');
    const implicitOff = await register(implicitMetadata, token);
    expect(implicitOff.body).toMatchObject({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/^response_types: id_token token is not offered/) });
    await setting('implicit.enabled', 'true');
  });

  test('an administrator mints tokens over the API, disables a self-registered client, and may open registration to all', async () => {
    await setting('registration.enabled', 'true');
    const admin = String(jsonOf(await cli(['admin-token', 'create', '--name', 'dcr-test', '--json'])).token);
    const api = (path: string, body: object) =>
      fetch(`${fixture.op.issuer}/admin/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const minted = await api('/registration-tokens', { expiresIn: 120 });
    expect(minted.status).toBe(201);
    const { token } = (await minted.json()) as { token: string };
    expect((await api('/registration-tokens', { expiresIn: 10 })).status).toBe(400);

    const created = await register(implicitMetadata, token);
    expect(created.status).toBe(201);
    const clientId = String(created.body.client_id);
    expect((await api(`/clients/${clientId}/disable`, {})).status).toBe(200);
    const authorize = await new UserAgent(fixture.op.issuer).follow(
      authorizeUrl(fixture.op.issuer, { client_id: clientId, response_type: 'id_token', scope: 'openid', redirect_uri: REDIRECT, nonce: 'n' }),
    );
    expect(authorize.status).toBe(400);
    expect(authorize.location).toBeUndefined();
    // An administrator cannot make it first-party either.
    const firstParty = await cli(['client', 'update', clientId, '--first-party']);
    expect(firstParty.code).toBe(1);
    expect(firstParty.stderr).toMatch(/first-party: never for a client that registered itself/);

    await setting('registration.initial_access_token', 'false');
    expect((await register(implicitMetadata)).status).toBe(201);
    await setting('registration.enabled', 'false');
    expect((await register(implicitMetadata)).status).toBe(404);
    expect(await discovery()).not.toHaveProperty('registration_endpoint');
  });
});
