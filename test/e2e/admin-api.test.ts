/** The admin HTTP API: bearer tokens, the same validation and audit as the command line, and an OpenAPI document. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { useProvider } from '../support/provider.js';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, signIn } from '../support/flows.js';
import { UserAgent } from '../support/user-agent.js';

const fixture = useProvider();
let token = '';

beforeAll(async () => {
  const created = await runCli(['admin-token', 'create', '--name', 'ci-robot', '--json'], {
    REDIS_URL: fixture.redis.url,
    REDIS_KEY_PREFIX: fixture.redis.prefix,
    NODE_ENV: 'test',
  });
  token = String(jsonOf(created).token);
});

async function api(method: string, path: string, body?: unknown, bearer: string | null = token) {
  const response = await fetch(`${fixture.op.issuer}/admin/api${path}`, {
    method,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('authentication', () => {
  test('without a valid admin token: 401 with a Bearer challenge, and no data', async () => {
    for (const bearer of [null, 'oop_not-a-token', `${token}x`]) {
      const response = await api('GET', '/clients', undefined, bearer);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
      expect(response.json).toEqual({ error: 'unauthorized', message: expect.any(String) });
    }
  });

  test('the token is shown once and stored only as a hash', async () => {
    const keys = await fixture.op.stores.redis!.hkeys('{admin-tokens}:records');
    expect(keys).toHaveLength(1);
    expect(JSON.stringify(await fixture.op.stores.redis!.hgetall('{admin-tokens}:records'))).not.toContain(token);
  });

  test('the OpenAPI document describes the resources, with request schemas from the validators', async () => {
    const doc = (await api('GET', '/openapi.json', undefined, null)).json as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/clients', '/clients/{id}', '/clients/{id}/rotate-secret', '/users', '/users/{username}', '/audit']));
    expect(doc.components.schemas.ClientInput!.required).toEqual(expect.arrayContaining(['name', 'redirectUris', 'responseTypes']));
    expect(Object.keys(doc.components.schemas.ClientInput!.properties!)).toEqual(expect.arrayContaining(['scopes', 'accessTokenTtl', 'firstParty']));
  });
});

describe('clients', () => {
  test('create, read, change, disable, rotate and delete; the provider follows each change at once', async () => {
    const created = await api('POST', '/clients', { name: 'API app', redirectUris: ['https://api-app.example.test/cb'], responseTypes: ['id_token token'], description: 'made over HTTP' });
    expect(created.status).toBe(201);
    const id = String(created.json!.client_id);
    expect(created.headers.get('location')).toBe(`/admin/api/clients/${id}`);
    expect((await api('GET', `/clients/${id}`)).json).toMatchObject({ client_id: id, client_name: 'API app', description: 'made over HTTP', disabled: false });
    expect(((await api('GET', '/clients')).json!.clients as { client_id: string }[]).map((c) => c.client_id)).toContain(id);

    const changed = await api('PATCH', `/clients/${id}`, { redirectUris: ['https://api-app.example.test/callback'] });
    expect(changed.json).toMatchObject({ redirect_uris: ['https://api-app.example.test/callback'], client_name: 'API app' });
    const url = authorizeUrl(fixture.op.issuer, { client_id: id, response_type: 'id_token token', scope: 'openid', redirect_uri: 'https://api-app.example.test/callback', nonce: 'n', state: 's' });
    expect((await signIn(new UserAgent(fixture.op.issuer), url, { username: 'alice', password: 'correct horse battery' })).status).toBe(302);

    expect((await api('POST', `/clients/${id}/disable`)).json).toMatchObject({ disabled: true });
    expect((await new UserAgent(fixture.op.issuer).follow(url)).status).toBe(400);
    expect((await api('POST', `/clients/${id}/enable`)).json).toMatchObject({ disabled: false });

    const rotate = await api('POST', `/clients/${id}/rotate-secret`);
    expect(rotate.status).toBe(400);
    expect(rotate.json!.message).toMatch(/public client/);
    const confidential = await api('PATCH', `/clients/${id}`, { authMethod: 'client_secret_basic', responseTypes: ['code'] });
    expect(typeof confidential.json!.client_secret).toBe('string'); // becoming confidential creates a secret, shown once
    const rotated = await api('POST', `/clients/${id}/rotate-secret`);
    expect(rotated.json!.client_secret).not.toBe(confidential.json!.client_secret);
    expect((await api('GET', `/clients/${id}`)).json!.client_secret).toBeUndefined();

    expect((await api('DELETE', `/clients/${id}`)).status).toBe(204);
    expect((await api('GET', `/clients/${id}`)).status).toBe(404);
  });

  test('refusals: the same messages as the command line, status 400, nothing changed', async () => {
    const bad = { name: 'x', redirectUris: ['http://evil.example/cb'], responseTypes: ['id_token'] };
    const viaApi = await api('POST', '/clients', bad);
    const viaCli = await runCli(['client', 'create', '--name', 'x', '--redirect-uri', 'http://evil.example/cb', '--response-type', 'id_token', '--json'], {
      REDIS_URL: fixture.redis.url,
      REDIS_KEY_PREFIX: fixture.redis.prefix,
      NODE_ENV: 'test',
    });
    expect(viaApi.status).toBe(400);
    expect(viaApi.json).toEqual({ error: 'invalid_request', message: 'redirect-uri http://evil.example/cb: must use https (plain http only for localhost and 127.0.0.1 in development)' });
    expect(viaCli.stderr.trim()).toBe(`oidc-op: ${viaApi.json!.message}`);

    const before = (await api('GET', '/clients')).json;
    expect((await api('POST', '/clients', { name: 5, redirectUris: 'x', responseTypes: [] })).status).toBe(400);
    expect((await api('PATCH', '/clients/nope', { name: 'y' })).status).toBe(404);
    const raw = await fetch(`${fixture.op.issuer}/admin/api/clients`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{nope' });
    expect(raw.status).toBe(400);
    const form = await fetch(`${fixture.op.issuer}/admin/api/clients`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
    expect((await api('GET', '/clients')).json).toEqual(before);
  });
});

describe('users', () => {
  test('create, conflict, change, password, disable, delete', async () => {
    const created = await api('POST', '/users', { username: 'hana', password: 'hana-password', claims: { email: 'hana@example.com' }, role: 'admin' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ username: 'hana', role: 'admin', disabled: false });
    expect(JSON.stringify(created.json)).not.toContain('argon2');
    expect((await api('POST', '/users', { username: 'HANA', password: 'another-password' })).status).toBe(409);
    expect((await api('POST', '/users', { username: 'ivan', password: 'short' })).json!.message).toBe('password: at least 8 characters');
    expect((await api('PATCH', '/users/hana', { role: 'user', claims: { name: 'Hana' } })).json).toMatchObject({ role: 'user', claims: { name: 'Hana', email: 'hana@example.com' } });
    expect((await api('PUT', '/users/hana/password', { password: 'new-hana-password' })).status).toBe(204);

    const url = authorizeUrl(fixture.op.issuer, { client_id: 'spa-both', response_type: 'id_token', scope: 'openid', redirect_uri: 'https://rp.example.test/cb', nonce: 'n', state: 's' });
    expect((await signIn(new UserAgent(fixture.op.issuer), url, { username: 'hana', password: 'new-hana-password' })).status).toBe(302);
    expect((await api('POST', '/users/hana/disable')).json).toMatchObject({ disabled: true });
    expect((await api('DELETE', '/users/hana')).status).toBe(204);
    expect((await api('GET', '/users/hana')).status).toBe(404);
  });
});

describe('a given sub', () => {
  test('checked by the rule an import applies; a taken sub and a taken username are told apart; the export imports again', async () => {
    for (const sub of ['', {}, 'with space', 'x'.repeat(256)]) {
      const refused = await api('POST', '/users', { username: 'kim', password: 'kim-password', sub });
      expect(refused.status).toBe(400);
      expect(refused.json!.message).toBe('sub: printable ASCII without spaces (1 to 255)');
    }
    expect((await api('GET', '/users/kim')).status).toBe(404);

    expect((await api('POST', '/users', { username: 'kim', password: 'kim-password', sub: 'kim@old-directory' })).json).toMatchObject({ sub: 'kim@old-directory' });
    const sameSub = await api('POST', '/users', { username: 'lee', password: 'lee-password', sub: 'kim@old-directory' });
    expect(sameSub.status).toBe(409);
    expect(sameSub.json!.message).toBe('sub kim@old-directory: already exists');
    const sameName = await api('POST', '/users', { username: 'KIM', password: 'kim-password', sub: 'another-sub' });
    expect(sameName.status).toBe(409);
    expect(sameName.json!.message).toBe('username KIM: already taken');

    // What this store holds is a backup that restores.
    const exported = (await api('GET', '/export')).json;
    const restored = await api('POST', '/import?replace=true', exported);
    expect(restored.status).toBe(200);
    expect((await api('GET', '/users/kim')).json).toMatchObject({ sub: 'kim@old-directory' });
  });
});

describe('settings', () => {
  test('read and set over HTTP, with the same rules as the command line', async () => {
    expect((await api('GET', '/settings')).json).toMatchObject({ 'state.required': false, 'ttl.access_token': 3600 });
    expect((await api('PUT', '/settings/ttl.access_token', { value: 900 })).json).toMatchObject({ 'ttl.access_token': 900 });
    const refused = await api('PUT', '/settings/ttl.access_token', { value: 5 });
    expect(refused.status).toBe(400);
    expect(refused.json!.message).toBe('ttl.access_token: a whole number of seconds from 60 to 86400');
    expect((await api('GET', '/settings')).json).toMatchObject({ 'ttl.access_token': 900 });
  });
});

describe('keys', () => {
  test('list, rotate with a lead time, and refuse to retire the signing key', async () => {
    const listed = (await api('GET', '/keys')).json!.keys as { state: string; kids: string[] }[];
    expect(listed.map((k) => k.state)).toEqual(['active']);
    const rotated = (await api('POST', '/keys/rotate', { leadTime: 3600 })).json!.keys as { state: string }[];
    expect(rotated.map((k) => k.state)).toEqual(['active', 'next']);
    const refused = await api('POST', `/keys/${listed[0]!.kids[0]}/retire`);
    expect(refused.status).toBe(400);
    expect(refused.json!.message).toMatch(/signs now/);
    expect((await api('POST', '/keys/nope/retire')).status).toBe(404);
    expect((await api('POST', '/keys/rotate', { leadTime: 'soon' })).status).toBe(400);
  });
});

describe('audit', () => {
  test('API changes are recorded with the token as actor, filterable by client', async () => {
    const created = await api('POST', '/clients', { name: 'Audited over HTTP', redirectUris: ['https://audited-http.example.test/cb'], responseTypes: ['id_token'] });
    const id = String(created.json!.client_id);
    await api('PATCH', `/clients/${id}`, { redirectUris: ['ftp://nope'] });
    const events = (await api('GET', `/audit?client=${id}&limit=10`)).json!.events as Record<string, unknown>[];
    expect(events).toEqual([
      expect.objectContaining({ type: 'admin', outcome: 'failure', action: 'client update', actor: 'token:ci-robot', client: id }),
      expect.objectContaining({ type: 'admin', outcome: 'success', action: 'client create', actor: 'token:ci-robot', client: id }),
    ]);
    expect((await api('GET', '/audit?limit=0')).status).toBe(400);
  });
});
