/**
 * Signing out through a relying party without a registered post-logout URI (mod_auth_openidc sends its own,
 * unregistered, logout URL): the user is still signed out after the confirmation, told why the application is not
 * returned to, and never sent to the unregistered address. Registered URIs keep working, with state.
 */
import { describe, expect, test } from '@jest/globals';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { ALICE, useProvider } from '../support/provider.js';
import { fragmentParams, inputValue, UserAgent, type Hop } from '../support/user-agent.js';

const fixture = useProvider();
const UNREGISTERED = 'https://rp.example.test/redirect_uri?logout=https%3A%2F%2Frp.example.test%2Floggedout';
const NOTICE = { en: 'asked to send you back to an address it has not registered', 'zh-CN': '请求在退出后将您送回一个未在本登录服务登记的地址' };

async function signedIn(): Promise<{ ua: UserAgent; idToken: string }> {
  const ua = new UserAgent(fixture.op.issuer);
  const final = await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
  return { ua, idToken: fragmentParams(final.location).get('id_token')! };
}

/** The end-session request as a link (GET) or as a form the relying party posts. */
function endSession(ua: UserAgent, params: Record<string, string>, method: 'GET' | 'POST'): Promise<Hop> {
  const url = `${fixture.op.issuer}/session/end`;
  if (method === 'GET') return ua.follow(`${url}?${new URLSearchParams(params)}`);
  return ua.follow(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
}

/** "Yes, sign me out" on the confirmation page: where the provider sends the browser. */
async function confirmSignOut(ua: UserAgent, page: Hop): Promise<Hop> {
  const action = page.body.match(/<form id="op.logoutForm" method="post" action="([^"]+)"/)?.[1];
  if (!action) throw new Error(`no sign-out confirmation (status ${page.status}): ${page.body.slice(0, 300)}`);
  return ua.request(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf: inputValue(page.body, 'xsrf')!, logout: 'yes' }).toString(),
  });
}

async function expectSignedOut(ua: UserAgent): Promise<void> {
  const silent = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'none' })));
  expect(fragmentParams(silent.location).get('error')).toBe('login_required');
}

describe('sign-out without a registered return address', () => {
  test('no post_logout_redirect_uri: confirmation, then our signed-out page', async () => {
    const { ua, idToken } = await signedIn();
    const page = await endSession(ua, { id_token_hint: idToken }, 'GET');
    expect(page.status).toBe(200);
    expect(page.body).not.toContain(NOTICE.en);
    const done = await confirmSignOut(ua, page);
    expect(done.location).toBe(`${fixture.op.issuer}/session/end/success`);
    const signedOut = await ua.follow(done.location!);
    expect(signedOut.status).toBe(200);
    expect(signedOut.body).toContain('You have signed out');
    await expectSignedOut(ua);
  });

  test.each(['GET', 'POST'] as const)('an unregistered post_logout_redirect_uri (%s): the page says so, signs out, never goes there', async (method) => {
    const { ua, idToken } = await signedIn();
    const page = await endSession(ua, { id_token_hint: idToken, post_logout_redirect_uri: UNREGISTERED, state: 'st' }, method);
    expect(page.status).toBe(200);
    expect(page.body).toContain('op.logoutForm');
    expect(page.body).toContain(`Both Implicit Types ${NOTICE.en}`);
    expect(page.body).not.toContain('invalid_request');
    const done = await confirmSignOut(ua, page);
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${fixture.op.issuer}/session/end/success`);
    const signedOut = await ua.follow(done.location!);
    expect(signedOut.body).toContain('You have signed out');
    await expectSignedOut(ua);
  });

  test('named by client_id instead of an id_token_hint, in Chinese', async () => {
    const { ua } = await signedIn();
    const page = await endSession(ua, { client_id: 'spa-both', post_logout_redirect_uri: UNREGISTERED, ui_locales: 'zh-CN' }, 'GET');
    expect(page.status).toBe(200);
    expect(page.body).toContain(NOTICE['zh-CN']);
    const done = await confirmSignOut(ua, page);
    expect(done.location).toBe(`${fixture.op.issuer}/session/end/success`);
    await expectSignedOut(ua);
  });

  test('a registered post_logout_redirect_uri still returns there with state', async () => {
    const { ua, idToken } = await signedIn();
    const page = await endSession(ua, { id_token_hint: idToken, post_logout_redirect_uri: 'https://rp.example.test/bye', state: 'bye-state' }, 'GET');
    expect(page.body).not.toContain(NOTICE.en);
    const done = await confirmSignOut(ua, page);
    expect(done.location).toBe('https://rp.example.test/bye?state=bye-state');
    await expectSignedOut(ua);
  });
});
