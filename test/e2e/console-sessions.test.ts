/**
 * The console's part of single logout: a client's back- and front-channel logout URIs on its form (a bad one refused
 * beside its field), and a user's sessions page, where an administrator signs the user out of one session or all,
 * each application told through the back channel.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { decodeJwt } from 'jose';
import { authorizeUrl, implicitParams, signIn, submitLogin } from '../support/flows.js';
import { LogoutReceiver } from '../support/logout-receiver.js';
import { BOB, useProvider } from '../support/provider.js';
import { fragmentParams, inputValue, UserAgent } from '../support/user-agent.js';

const fixture = useProvider();
const receiver = new LogoutReceiver(() => fixture.op.issuer);
const ADMIN = { username: 'dora', password: 'dora admin password' };
let clientId = '';

beforeAll(async () => {
  await receiver.start();
  await fixture.op.stores.users.create({ ...ADMIN, role: 'admin' });
});
afterAll(() => receiver.close());

async function openConsole(path: string): Promise<UserAgent> {
  const ua = new UserAgent(fixture.op.issuer);
  const loginPage = await ua.follow(path);
  await submitLogin(ua, loginPage, ADMIN.username, ADMIN.password);
  return ua;
}

const post = (ua: UserAgent, path: string, fields: Record<string, string>) =>
  ua.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

async function bobSignedIn() {
  const ua = new UserAgent(fixture.op.issuer);
  const final = await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams({ client_id: clientId })), BOB);
  return { ua, sid: String(decodeJwt(fragmentParams(final.location ?? '').get('id_token')!).sid) };
}

async function expectSignedOut(ua: UserAgent) {
  const silent = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ client_id: clientId, prompt: 'none' })));
  expect(fragmentParams(silent.location ?? '').get('error')).toBe('login_required');
}

describe('console', () => {
  test('the client form takes logout URIs; a front-channel URI on another origin is refused beside its field', async () => {
    const ua = await openConsole('/admin/clients/new');
    const newPage = await ua.get('/admin/clients/new');
    expect(newPage.body).toContain('name="backchannelLogoutUri"');
    expect(newPage.body).toContain('name="frontchannelLogoutUri"');
    const csrf = inputValue(newPage.body, 'csrf')!;
    const base = { csrf, name: 'Console RP', redirectUris: 'https://rp.example.test/cb', responseTypes: 'id_token token', firstParty: 'yes' };
    const refused = await post(ua, '/admin/clients', { ...base, frontchannelLogoutUri: 'https://elsewhere.example.test/fc' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/id="frontchannelLogoutUri-error"[^>]*>[^<]*must be on the origin/);
    const created = await post(ua, '/admin/clients', { ...base, backchannelLogoutUri: `${receiver.origin}/bc`, frontchannelLogoutUri: 'https://rp.example.test/fc' });
    expect([200, 201, 303]).toContain(created.status);
    const record = (await fixture.op.stores.clients.list()).find((c) => c.metadata.client_name === 'Console RP')!;
    expect(record.metadata).toMatchObject({ backchannel_logout_uri: `${receiver.origin}/bc`, frontchannel_logout_uri: 'https://rp.example.test/fc' });
    clientId = String(record.metadata.client_id);
  });

  test("a user's sessions: one signed out, then all; each application told", async () => {
    const first = await bobSignedIn();
    const second = await bobSignedIn();
    const ua = await openConsole(`/admin/users/${BOB.username}/sessions`);
    const page = await ua.get(`/admin/users/${BOB.username}/sessions`);
    expect(page.status).toBe(200);
    const handles = [...page.body.matchAll(/name="session" value="([^"]+)"/g)].map((m) => m[1]!);
    expect(handles.length).toBe(2);
    const csrf = inputValue(page.body, 'csrf')!;

    const forged = await post(ua, `/admin/users/${BOB.username}/sign-out`, { csrf: 'forged', session: handles[0]! });
    expect(forged.status).toBe(403);
    expect((await fixture.op.stores.sessions.list((await fixture.op.stores.users.require(BOB.username)).sub)).length).toBe(2);

    const one = await post(ua, `/admin/users/${BOB.username}/sign-out`, { csrf, session: handles[0]! });
    expect(one.status).toBe(200);
    expect(one.body).toContain('Sessions signed out: 1');
    const all = await post(ua, `/admin/users/${BOB.username}/sign-out`, { csrf });
    expect(all.body).toContain('Sessions signed out: 1');
    expect(all.body).toContain('No active sessions.');
    await Promise.all([first, second].map((s) => receiver.next('/bc', (r) => r.claims?.sid === s.sid)));
    await expectSignedOut(first.ua);
    await expectSignedOut(second.ua);
  });
});
