/**
 * An administrator's view of a user's sessions, from the command line and the admin API: listed from the account's
 * session index, ended all at once or one by one, each client told through back-channel logout (from the command
 * line's process too); clients registered with logout URIs on the command line and through the API.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { decodeJwt } from 'jose';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { LogoutReceiver } from '../support/logout-receiver.js';
import { ALICE, BOB, FAST_ARGON2, useProvider } from '../support/provider.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider();
const receiver = new LogoutReceiver(() => fixture.op.issuer);
const cli = (args: string[]) =>
  runCli(args, { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test', ISSUER: fixture.op.issuer, ...FAST_ARGON2 });
let token = '';
let clientId = '';

beforeAll(async () => {
  await receiver.start();
  token = (await fixture.op.stores.adminTokens.create('sessions-test')).token;
  const created = await cli([
    'client', 'create', '--name', 'CLI back-channel', '--redirect-uri', 'https://rp.example.test/cb', '--response-type', 'id_token token',
    '--first-party', '--backchannel-logout-uri', `${receiver.origin}/bc`, '--frontchannel-logout-uri', 'https://rp.example.test/fc', '--json',
  ]);
  expect(created.code).toBe(0);
  clientId = String(jsonOf(created).client_id);
});
afterAll(() => receiver.close());

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${fixture.op.issuer}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as Record<string, unknown> };
}

async function signedIn(user: { username: string; password: string }) {
  const ua = new UserAgent(fixture.op.issuer);
  const final = await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams({ client_id: clientId })), user);
  const idToken = fragmentParams(final.location ?? '').get('id_token');
  if (!idToken) throw new Error(`no ID token: ${final.status} ${final.location ?? ''}`);
  return { ua, sid: String(decodeJwt(idToken).sid) };
}

async function expectSignedOut(ua: UserAgent): Promise<void> {
  const silent = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ client_id: clientId, prompt: 'none' })));
  expect(fragmentParams(silent.location ?? '').get('error')).toBe('login_required');
}

describe('the command line', () => {
  test('client create --backchannel-logout-uri/--frontchannel-logout-uri: shown; a bad one refused with the field named', async () => {
    const shown = jsonOf(await cli(['client', 'show', clientId, '--json']));
    expect(shown).toMatchObject({ backchannel_logout_uri: `${receiver.origin}/bc`, frontchannel_logout_uri: 'https://rp.example.test/fc' });
    const refused = await cli(['client', 'update', clientId, '--frontchannel-logout-uri', 'https://other.example.test/fc']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/frontchannel-logout-uri https:\/\/other\.example\.test\/fc: must be on the origin/);
    const bad = await cli(['client', 'update', clientId, '--backchannel-logout-uri', 'http://rp.example.test/bc']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/backchannel-logout-uri http:\/\/rp\.example\.test\/bc: must use https/);
    expect(jsonOf(await cli(['client', 'show', clientId, '--json']))).toMatchObject({ backchannel_logout_uri: `${receiver.origin}/bc` });
  });

  test('user sessions lists; user sign-out ends them all and the client gets its logout_token from the CLI process', async () => {
    const first = await signedIn(ALICE);
    const second = await signedIn(ALICE);
    const listed = jsonOf(await cli(['user', 'sessions', ALICE.username, '--json'])) as { sessions: { id: string; clients: string[] }[] };
    expect(listed.sessions.length).toBe(2);
    expect(listed.sessions.every((s) => s.clients.includes(clientId))).toBe(true);
    const text = await cli(['user', 'sessions', ALICE.username]);
    expect(text.stdout).toContain(listed.sessions[0]!.id);

    const out = await cli(['user', 'sign-out', ALICE.username, '--json']);
    expect(out.code).toBe(0);
    expect((jsonOf(out) as { ended: unknown[] }).ended.length).toBe(2);
    // Delivered before the command returned (it waits a few seconds for its deliveries).
    for (const sid of [first.sid, second.sid]) expect(receiver.received.some((r) => r.claims?.sid === sid && r.claims?.aud === clientId)).toBe(true);
    await expectSignedOut(first.ua);
    await expectSignedOut(second.ua);
    expect(jsonOf(await cli(['user', 'sessions', ALICE.username, '--json']))).toMatchObject({ sessions: [] });
    const audit = await fixture.op.stores.audit.tail(50, { type: 'admin' });
    expect(audit.some((e) => e.action === 'user sign-out' && e.outcome === 'success')).toBe(true);
  });

  test('user sign-out NAME SESSION of another user: refused, nothing ended', async () => {
    const alice = await signedIn(ALICE);
    const [session] = (jsonOf(await cli(['user', 'sessions', ALICE.username, '--json'])) as { sessions: { id: string }[] }).sessions;
    const refused = await cli(['user', 'sign-out', BOB.username, session!.id]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/session: not one of this account's sessions/);
    const silent = await alice.ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ client_id: clientId, prompt: 'none' })));
    expect(fragmentParams(silent.location ?? '').get('id_token')).toBeTruthy();
    expect((await cli(['user', 'sign-out', ALICE.username, session!.id])).code).toBe(0);
    await expectSignedOut(alice.ua);
  });
});

describe('the admin API', () => {
  test('GET sessions, DELETE one, POST sign-out; documented in the OpenAPI document', async () => {
    const a = await signedIn(BOB);
    const b = await signedIn(BOB);
    const listed = await api('GET', `/users/${BOB.username}/sessions`);
    expect(listed.status).toBe(200);
    const sessions = listed.body.sessions as { id: string }[];
    expect(sessions.length).toBe(2);
    const one = await api('DELETE', `/users/${BOB.username}/sessions/${sessions[1]!.id}`);
    expect(one.status).toBe(200);
    await receiver.next('/bc', (r) => r.claims?.sid === a.sid);
    await expectSignedOut(a.ua);
    expect(((await api('GET', `/users/${BOB.username}/sessions`)).body.sessions as unknown[]).length).toBe(1);
    expect((await api('DELETE', `/users/${BOB.username}/sessions/not-a-session`)).status).toBe(404);
    const all = await api('POST', `/users/${BOB.username}/sign-out`);
    expect(all.status).toBe(200);
    await receiver.next('/bc', (r) => r.claims?.sid === b.sid);
    await expectSignedOut(b.ua);
    expect((await api('GET', '/users/nobody/sessions')).status).toBe(404);

    const doc = (await (await fetch(`${fixture.op.issuer}/admin/api/openapi.json`)).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/users/{username}/sessions', '/users/{username}/sign-out', '/users/{username}/sessions/{session}']));
    expect(doc.components.schemas).toHaveProperty('Session');
    expect(JSON.stringify(doc.components.schemas.ClientInput)).toContain('backchannelLogoutUri');
  });

  test('a client created through the API with a back-channel URI; a plain-http one on another host refused', async () => {
    const base = { name: 'API client', redirectUris: ['https://rp.example.test/cb'], responseTypes: ['id_token'] };
    const created = await api('POST', '/clients', { ...base, backchannelLogoutUri: 'https://rp.example.test/bc' });
    expect(created.status).toBe(201);
    expect((await api('GET', `/clients/${created.body.client_id as string}`)).body).toMatchObject({ backchannel_logout_uri: 'https://rp.example.test/bc', backchannel_logout_session_required: true });
    const refused = await api('POST', '/clients', { ...base, backchannelLogoutUri: 'http://rp.example.test/bc' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/backchannel-logout-uri/);
  });
});
