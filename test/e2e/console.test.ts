/** The web console over HTTP: sign-in through the provider, the role on every request, CSRF, audit, the migration counts. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { ALICE, useProvider } from '../support/provider.js';
import { authorizeUrl, signIn, submitLogin } from '../support/flows.js';
import { fragmentParams, inputValue, UserAgent, type Hop } from '../support/user-agent.js';

const fixture = useProvider();
const ADMIN = { username: 'carol', password: 'carol admin password' };

beforeAll(async () => {
  await fixture.op.stores.users.create({ ...ADMIN, role: 'admin', claims: { email: 'carol@example.com' } });
});

/** Opens a console page as a browser would: the sign-in round trip through the login page when needed. */
async function openConsole(user: { username: string; password: string }, path = '/admin/clients', ua = new UserAgent(fixture.op.issuer)): Promise<{ ua: UserAgent; page: Hop }> {
  const loginPage = await ua.follow(path);
  expect(loginPage.body).toContain('name="password"');
  const page = await submitLogin(ua, loginPage, user.username, user.password);
  return { ua, page };
}

/** The next console request goes to the provider to sign in again, and the console session cookie is dropped. */
async function expectSentToSignIn(ua: UserAgent): Promise<void> {
  const hop = await ua.get('/admin/clients');
  expect(hop.status).toBe(302);
  expect(hop.location).toMatch(new RegExp(`^${fixture.op.issuer}/auth\\?`));
  expect(hop.body).not.toContain('Secret Project');
  expect(ua.cookieNames()).not.toContain('op_console');
}

const form = (csrf: string | undefined, fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  if (csrf !== undefined) body.append('csrf', csrf);
  for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) body.append(k, value);
  return body.toString();
};
const post = (ua: UserAgent, path: string, body: string) => ua.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

describe('signing in', () => {
  test('anonymous: redirected to the authorization endpoint (code, PKCE S256, state, nonce), no data', async () => {
    await fixture.op.stores.clients.create({ name: 'Secret Project', redirectUris: ['https://secret.example.test/cb'], responseTypes: ['id_token'] });
    const hop = await new UserAgent(fixture.op.issuer).get('/admin/clients');
    expect(hop.status).toBe(302);
    const target = new URL(hop.location!);
    expect(`${target.origin}${target.pathname}`).toBe(`${fixture.op.issuer}/auth`);
    expect(target.searchParams.get('client_id')).toBe('oidc-op-console');
    expect(target.searchParams.get('response_type')).toBe('code');
    expect(target.searchParams.get('code_challenge_method')).toBe('S256');
    expect(target.searchParams.get('redirect_uri')).toBe(`${fixture.op.issuer}/admin/callback`);
    expect(target.searchParams.get('state')).toBeTruthy();
    expect(target.searchParams.get('nonce')).toBeTruthy();
    expect(hop.body).not.toContain('Secret Project');
    const cookie = hop.headers.getSetCookie().find((c) => c.startsWith('op_console_tx='));
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=lax/i);
    // The PKCE verifier and nonce travel sealed: nothing readable in the cookie.
    expect(cookie).not.toContain(target.searchParams.get('nonce')!);
  });

  test('an administrator lands on the console with the login pages\' security headers', async () => {
    const { page, ua } = await openConsole(ADMIN);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${fixture.op.issuer}/admin/clients`);
    expect(page.body).toContain('Secret Project');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(ua.cookieNames()).toContain('op_console');
  });

  test('a user without the admin role gets the refusal page and no data', async () => {
    const { page } = await openConsole(ALICE);
    expect(page.status).toBe(403);
    expect(page.body).toContain('Administrators only');
    expect(page.body).not.toContain('Secret Project');
    expect(page.body).not.toContain('carol');
  });

  test('a forged callback (no transaction cookie, or a wrong state) signs nobody in', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const hop = await ua.get('/admin/callback?code=abc&state=xyz');
    expect(hop.status).toBe(302);
    expect(ua.cookieNames()).not.toContain('op_console');
    const start = await ua.get('/admin/clients');
    const state = new URL(start.location!).searchParams.get('state');
    const forged = await ua.get(`/admin/callback?code=abc&state=${state}x&iss=${encodeURIComponent(fixture.op.issuer)}`);
    expect(forged.status).toBe(400);
    expect(ua.cookieNames()).not.toContain('op_console');
  });
});

describe('every request', () => {
  test('the role is read again: a demoted administrator is refused at once; a disabled one is sent to sign in again', async () => {
    await fixture.op.stores.users.create({ username: 'dave', password: 'dave admin password', role: 'admin' });
    const { ua, page } = await openConsole({ username: 'dave', password: 'dave admin password' });
    expect(page.status).toBe(200);
    await fixture.op.stores.users.update('dave', { role: 'user' });
    const demoted = await ua.get('/admin/clients');
    expect(demoted.status).toBe(403);
    expect(demoted.body).not.toContain('Secret Project');
    await fixture.op.stores.users.update('dave', { role: 'admin' });
    expect((await ua.get('/admin/clients')).status).toBe(200);
    await fixture.op.stores.users.setDisabled('dave', true);
    await expectSentToSignIn(ua);
  });

  test("a sign-out at the provider's end-session endpoint ends the console session at its next request", async () => {
    const { ua, page } = await openConsole(ADMIN);
    expect(page.status).toBe(200);
    const confirm = await ua.follow(`${fixture.op.issuer}/session/end`);
    const action = confirm.body.match(/action="([^"]+)"/)![1]!;
    await ua.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: inputValue(confirm.body, 'xsrf')!, logout: 'yes' }).toString(),
    });
    await expectSentToSignIn(ua);
  });

  test('the provider session signing in again (so under a new id) keeps the console session', async () => {
    const { ua, page } = await openConsole(ADMIN);
    expect(page.status).toBe(200);
    const [providerCookie, consoleCookie] = [ua.cookieValue('_session'), ua.cookieValue('op_console')];
    const params = { client_id: 'spa-both', response_type: 'id_token', scope: 'openid', redirect_uri: 'https://rp.example.test/cb', nonce: 'n', state: 's', prompt: 'login' };
    const loginPage = await ua.follow(authorizeUrl(fixture.op.issuer, params));
    await submitLogin(ua, loginPage, ADMIN.username, ADMIN.password);
    expect(ua.cookieValue('_session')).not.toBe(providerCookie);

    expect((await ua.get('/admin/clients')).status).toBe(200);
    expect(ua.cookieValue('op_console')).not.toBe(consoleCookie); // now naming the session's new id
    expect((await ua.get('/admin/clients')).status).toBe(200);
  });

  test('a password change of the administrator ends the console session made before it', async () => {
    const fay = { username: 'fay', password: 'fay admin password' };
    await fixture.op.stores.users.create({ ...fay, role: 'admin' });
    const { ua, page } = await openConsole(fay);
    expect(page.status).toBe(200);
    await fixture.op.stores.users.setPassword('fay', 'fay second password');
    await expectSentToSignIn(ua);
  });

  test('a POST without the session\'s CSRF token is refused and changes nothing', async () => {
    const { ua } = await openConsole(ADMIN);
    const other = await openConsole(ADMIN);
    const otherToken = inputValue((await other.ua.get('/admin/clients/new')).body, 'csrf');
    const before = (await fixture.op.stores.clients.list()).length;
    const fields = { name: 'Forged', redirectUris: 'https://forged.example.test/cb', responseTypes: 'id_token' };
    for (const csrf of [undefined, 'not-a-token', otherToken]) {
      const hop = await post(ua, '/admin/clients', form(csrf, fields));
      expect(hop.status).toBe(403);
    }
    expect((await fixture.op.stores.clients.list()).length).toBe(before);
  });
});

describe('clients', () => {
  test('create, refused with the message beside the field, edit, disable, rotate, delete: all audited as the console user', async () => {
    const { ua } = await openConsole(ADMIN);
    const csrf = inputValue((await ua.get('/admin/clients/new')).body, 'csrf');
    const before = (await fixture.op.stores.clients.list()).length;
    const refused = await post(ua, '/admin/clients', form(csrf, { name: 'Bad', redirectUris: 'https://bad.example.test/cb#frag', responseTypes: 'id_token' }));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/<p class="field-error" id="redirectUris-error" role="alert">redirect-uri https:\/\/bad.example.test\/cb#frag: [^<]*fragment/);
    expect(refused.body).toMatch(/<textarea[^>]*id="redirectUris"[^>]*aria-invalid="true"/);
    expect((await fixture.op.stores.clients.list()).length).toBe(before);

    const created = await post(ua, '/admin/clients', form(csrf, { name: 'Wiki', clientUri: 'https://wiki.example.test/', redirectUris: 'https://wiki.example.test/cb', responseTypes: 'code', authMethod: 'client_secret_basic' }));
    expect(created.status).toBe(201);
    const id = created.body.match(/id="client-id">([0-9a-f]{32})</)![1]!;
    const secret = created.body.match(/id="client-secret">([^<]+)</)![1]!;
    const stored = await fixture.op.stores.clients.require(id);
    expect(stored.metadata).toMatchObject({ client_name: 'Wiki', client_uri: 'https://wiki.example.test/' });
    expect(JSON.stringify(stored)).not.toContain(secret);

    const edited = await post(ua, `/admin/clients/${id}`, form(csrf, { name: 'Wiki 2', description: 'team wiki', redirectUris: 'https://wiki.example.test/cb\nhttps://wiki.example.test/cb2', responseTypes: 'code', authMethod: 'client_secret_basic' }));
    expect(edited.status).toBe(303);
    const changed = await fixture.op.stores.clients.require(id);
    expect(changed.metadata.redirect_uris).toEqual(['https://wiki.example.test/cb', 'https://wiki.example.test/cb2']);
    expect(changed.metadata.client_uri).toBeUndefined(); // the emptied field removes the link
    expect(changed.description).toBe('team wiki');

    expect((await post(ua, `/admin/clients/${id}/disable`, form(csrf, {}))).status).toBe(303);
    expect((await fixture.op.stores.clients.require(id)).disabled).toBe(true);
    const rotated = await post(ua, `/admin/clients/${id}/rotate-secret`, form(csrf, {}));
    expect(rotated.body.match(/id="client-secret">([^<]+)</)![1]).not.toBe(secret);
    expect((await post(ua, `/admin/clients/${id}/delete`, form(csrf, {}))).status).toBe(303);
    expect(await fixture.op.stores.clients.find(id)).toBeUndefined();

    const events = await fixture.op.stores.audit.tail(20, { client: id });
    expect(events.map((e) => `${e.action} ${e.outcome} ${e.actor}`)).toEqual([
      'client delete success console:carol',
      'client rotate-secret success console:carol',
      'client disable success console:carol',
      'client update success console:carol',
      'client create success console:carol',
    ]);
  });
});

describe('users, settings and scopes', () => {
  test('create a user, change the role, refuse a short password beside the field; set a setting; preview a scope', async () => {
    const { ua } = await openConsole(ADMIN);
    const csrf = inputValue((await ua.get('/admin/users')).body, 'csrf');
    const short = await post(ua, '/admin/users', form(csrf, { username: 'erin', password: 'short', role: 'user' }));
    expect(short.status).toBe(400);
    expect(short.body).toContain('id="password-error"');
    expect(await fixture.op.stores.users.findByUsername('erin')).toBeUndefined();
    expect((await post(ua, '/admin/users', form(csrf, { username: 'erin', password: 'erin long password', role: 'user', email: 'erin@example.com' }))).status).toBe(201);
    await post(ua, '/admin/users/erin/role', form(csrf, { role: 'admin' }));
    expect((await fixture.op.stores.users.require('erin')).role).toBe('admin');
    expect((await ua.get('/admin/users?q=erin@')).body).toContain('erin@example.com');

    const bad = await post(ua, '/admin/settings', form(csrf, { key: 'ttl.access_token', value: '5' }));
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('id="ttl.access_token-error"');
    expect((await post(ua, '/admin/settings', form(csrf, { key: 'state.required', value: 'true' }))).status).toBe(303);
    expect((await fixture.op.stores.providerSettings.read())['state.required']).toBe(true);
    await post(ua, '/admin/settings', form(csrf, { key: 'state.required', value: 'false' }));

    const preview = await post(ua, '/admin/scopes', form(csrf, { intent: 'preview', id: 'wiki', 'name.en': 'Wiki', 'description.en': 'Lets {client_name} edit pages as {user}' }));
    expect(preview.body).toContain('Lets Example App edit pages as carol');
    expect(await fixture.op.stores.scopes.require('wiki').catch(() => undefined)).toBeUndefined();
  });
});

describe('keys and audit', () => {
  test('keys listed by state and rotated; the audit trail filtered by client', async () => {
    const { ua } = await openConsole(ADMIN);
    const keys = await ua.get('/admin/keys');
    expect(keys.body).toMatch(/<td>active<\/td>/);
    const csrf = inputValue(keys.body, 'csrf');
    expect((await post(ua, '/admin/keys/rotate', form(csrf, { leadTime: 'soon' }))).status).toBe(400);
    expect((await fixture.op.stores.keyring.status()).map((k) => k.state)).not.toContain('next');
    expect((await post(ua, '/admin/keys/rotate', form(csrf, { leadTime: '3600' }))).status).toBe(303);
    expect((await fixture.op.stores.keyring.status()).map((k) => k.state)).toContain('next');
    expect((await ua.get('/admin/keys')).body).toMatch(/<td>next<\/td>/);

    const { client_id: a } = await fixture.op.stores.clients.create({ name: 'Audit A', redirectUris: ['https://a.example.test/cb'], responseTypes: ['id_token'] });
    await post(ua, `/admin/clients/${a}/disable`, form(csrf, {}));
    const filtered = (await ua.get(`/admin/audit?client=${a}`)).body;
    expect(filtered).toContain(`<td>${a}</td>`);
    expect(filtered).toContain('client disable');
    expect(filtered).not.toContain('keys rotate');
    expect((await ua.get('/admin/audit')).body).toContain('keys rotate lead=3600s');
  });
});

describe('implicit migration', () => {
  test('implicit authorizations of the last 30 days are counted per client, off the request path', async () => {
    const { client_id: clientId } = await fixture.op.stores.clients.create({ name: 'Legacy SPA', redirectUris: ['https://legacy.example.test/cb'], responseTypes: ['id_token token', 'id_token'] });
    const rp = new UserAgent(fixture.op.issuer);
    const params = { client_id: clientId, response_type: 'id_token token', scope: 'openid', redirect_uri: 'https://legacy.example.test/cb', nonce: 'n-1', state: 's-1' };
    const first = await signIn(rp, authorizeUrl(fixture.op.issuer, params), ALICE);
    expect(fragmentParams(first.location).get('access_token')).toBeTruthy();
    const silent = await rp.follow(authorizeUrl(fixture.op.issuer, { ...params, response_type: 'id_token', prompt: 'none', nonce: 'n-2' }));
    expect(fragmentParams(silent.location).get('id_token')).toBeTruthy();

    const { ua } = await openConsole(ADMIN);
    const page = (await ua.get('/admin/migration')).body;
    const row = page.slice(page.indexOf(`<code>${clientId}</code>`));
    expect(row).toMatch(/^<code>[0-9a-f]{32}<\/code><\/td><td class="count">2<\/td><td class="count">0<\/td>/);
    expect(row).toContain('Add the response type code');
    const days = await fixture.op.stores.redis!.keys(`${fixture.redis.prefix}{usage}:*`);
    expect(days).toHaveLength(1);
    const ttl = await fixture.op.stores.redis!.ttl(days[0]!.slice(fixture.redis.prefix.length));
    expect(ttl).toBeGreaterThan(34 * 86_400);
    const list = (await ua.get('/admin/clients')).body;
    expect(list.slice(list.indexOf(`<code>${clientId}</code>`))).toMatch(/^<code>[0-9a-f]{32}<\/code><\/td><td>implicit \(id_token token\), implicit \(id_token\)<\/td><td>\d{4}-\d\d-\d\d \d\d:\d\d UTC</);
  });
});
