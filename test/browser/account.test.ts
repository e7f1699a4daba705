/**
 * The account page end to end in Chromium: signed out it sends the browser to sign in; then the user removes an
 * application (its next sign-in asks for consent again, its old access token is refused at userinfo, and it is told
 * through back-channel logout), signs out another session (that browser is then signed out), changes the password
 * (every other session ends, this one stays), sees their security events, in English and Chinese; a forged request
 * changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { useBrowser } from '../support/browser.js';
import { useCallbackSink } from '../support/callback-sink.js';
import { LogoutReceiver } from '../support/logout-receiver.js';
import { BOB, useProvider } from '../support/provider.js';

const fixture = useProvider();
const browser = useBrowser();
const sink = useCallbackSink();
const receiver = new LogoutReceiver(() => fixture.op.issuer);
let clientId = '';

beforeAll(async () => {
  await receiver.start();
  const created = await fixture.op.stores.clients.create({
    name: 'Photo Album',
    redirectUris: [`${sink.origin}/cb`],
    responseTypes: ['id_token token'],
    scopes: ['openid', 'profile', 'email'],
    logoUri: `${sink.origin}/logo.png`,
    backchannelLogoutUri: `${receiver.origin}/bc`,
  });
  clientId = created.client_id;
});
afterAll(() => receiver.close());

const authUrl = (params: Record<string, string> = {}) =>
  `${fixture.op.issuer}/auth?${new URLSearchParams({ client_id: clientId, response_type: 'id_token token', scope: 'openid profile', redirect_uri: `${sink.origin}/cb`, nonce: 'n', state: 's', ...params })}`;

async function login(page: Page, user: { username: string; password: string }) {
  await page.getByLabel(/Username|用户名/).fill(user.username);
  await page.getByLabel(/^Password$|^密码$/).fill(user.password);
  await page.getByRole('button', { name: /^Sign in$|^登录$/ }).click();
}

/** Signs in to the application (consenting when asked): the access token it got. */
async function signIntoApp(page: Page, user: { username: string; password: string }): Promise<string> {
  await page.goto(authUrl());
  if (await page.getByRole('heading', { name: 'Sign in' }).isVisible()) await login(page, user);
  if (await page.getByRole('heading', { name: 'Allow access?' }).isVisible().catch(() => false)) await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(`${sink.origin}/cb#*`);
  return new URLSearchParams(new URL(page.url()).hash.slice(1)).get('access_token')!;
}

const userinfo = (token: string) => fetch(`${fixture.op.issuer}/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

describe('the account page', () => {
  test('signed out: sign in first, then the page in English with the application, the sessions and the events', async () => {
    const page = await browser.page();
    const token = await signIntoApp(page, BOB);
    const other = await browser.page();
    await other.goto(`${fixture.op.issuer}/account`);
    await expect(other.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await login(other, BOB);
    await other.waitForURL(`${fixture.op.issuer}/account`);
    await expect(other.getByRole('heading', { name: 'Connected applications' }).isVisible()).resolves.toBe(true);
    await expect(other.getByText('Photo Album').isVisible()).resolves.toBe(true);
    await expect(other.getByText('(this device)').isVisible()).resolves.toBe(true);
    expect(await other.locator('tbody tr').count()).toBe(2);
    // Each session's device from its User-Agent, and its address.
    await expect(other.locator('tbody tr.current td').first().textContent()).resolves.toMatch(/^Headless Chrome on Linux/);
    await expect(other.locator('tbody tr.current td').nth(1).textContent()).resolves.toMatch(/127\.0\.0\.1/);
    await expect(other.getByRole('heading', { name: 'Recent security events' }).isVisible()).resolves.toBe(true);
    await expect(other.getByText('Signed in', { exact: true }).first().isVisible()).resolves.toBe(true);
    const headers = (await other.goto(`${fixture.op.issuer}/account`))!.headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['cache-control']).toBe('no-store');
    await browser.screenshot(other, 'account-en');

    // Sign out the other session (the application's browser): that browser is signed out.
    const otherRow = other.locator('tbody tr:not(.current)');
    await otherRow.getByRole('button', { name: 'Sign out' }).click();
    await expect(other.getByText('That session is signed out.').isVisible()).resolves.toBe(true);
    expect(await other.locator('tbody tr').count()).toBe(1);
    await page.goto(authUrl({ prompt: 'none' }));
    await page.waitForURL(`${sink.origin}/cb#*`);
    expect(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('error')).toBe('login_required');
    // Its access token ended with its session.
    expect(await userinfo(token)).toBe(401);
  });

  test('remove an application: told through the back channel; its next sign-in asks for consent; its old token is refused', async () => {
    const page = await browser.page();
    const token = await signIntoApp(page, BOB);
    expect(await userinfo(token)).toBe(200);
    await page.goto(`${fixture.op.issuer}/account`);
    await page.getByRole('button', { name: 'Remove access of Photo Album' }).click();
    await expect(page.getByText('Access removed').first().isVisible()).resolves.toBe(true);
    await expect(page.getByText('No application has access to your account.').isVisible()).resolves.toBe(true);
    const bob = await fixture.op.stores.users.require(BOB.username);
    const told = await receiver.next('/bc', (r) => r.claims?.aud === clientId && r.claims?.sub === bob.sub);
    expect(told.problem).toBeUndefined();
    expect(await userinfo(token)).toBe(401);
    await page.goto(authUrl());
    await expect(page.getByRole('heading', { name: 'Allow access?' }).isVisible()).resolves.toBe(true);
  });

  test('profile: the claims the administrator allows are editable (name by default), a change audited', async () => {
    const page = await browser.page();
    await page.goto(`${fixture.op.issuer}/account`);
    await login(page, BOB);
    await page.waitForURL(`${fixture.op.issuer}/account`);
    await expect(page.getByLabel('Email', { exact: true }).count()).resolves.toBe(0);
    await page.getByLabel('Name', { exact: true }).fill('Robert');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect(page.getByText('Your profile is saved.').isVisible()).resolves.toBe(true);
    const bob = await fixture.op.stores.users.require(BOB.username);
    expect(bob.claims.name).toBe('Robert');
    // A field the setting does not allow is ignored even when posted.
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    await page.request.post(`${fixture.op.issuer}/account/profile`, { form: { csrf, name: 'Bob', email: 'mallory@example.com' } });
    const after = await fixture.op.stores.users.require(BOB.username);
    expect(after.claims).toMatchObject({ name: 'Bob', email: bob.claims.email });
    const events = await fixture.op.stores.audit.tail(20, { user: bob.sub });
    expect(events.some((e) => e.action === 'profile changed on the account page (name)')).toBe(true);
  });

  test('a forged request (no CSRF token) is refused and nothing changes', async () => {
    const page = await browser.page();
    await signIntoApp(page, BOB);
    const sub = (await fixture.op.stores.users.require(BOB.username)).sub;
    const before = (await fixture.op.stores.sessions.list(sub)).length;
    expect(before).toBeGreaterThan(0);
    const response = await page.request.post(`${fixture.op.issuer}/account/sign-out-everywhere`, { form: { csrf: 'forged' } });
    expect(response.status()).toBe(403);
    expect(await response.text()).toContain('did not come from your account page');
    expect((await fixture.op.stores.sessions.list(sub)).length).toBe(before);
  });

  test('in Chinese; password change needs the current password, then keeps this session only', async () => {
    const page = await browser.page({ locale: 'zh-CN' });
    await page.goto(`${fixture.op.issuer}/account?lang=zh-CN`);
    await login(page, BOB);
    await page.waitForURL(`${fixture.op.issuer}/account`);
    await expect(page.getByRole('heading', { name: '您的账户' }).isVisible()).resolves.toBe(true);
    await browser.screenshot(page, 'account-zh-CN');
    await page.getByLabel('当前密码').fill('not my password');
    await page.getByLabel('新密码', { exact: true }).fill('a brand new password 1');
    await page.getByLabel('再次输入新密码').fill('a brand new password 1');
    await page.getByRole('button', { name: '更改密码' }).click();
    await expect(page.getByText('当前密码不正确。').isVisible()).resolves.toBe(true);

    await page.getByLabel('当前密码').fill(BOB.password);
    await page.getByLabel('新密码', { exact: true }).fill('a brand new password 1');
    await page.getByLabel('再次输入新密码').fill('a brand new password 1');
    await page.getByRole('button', { name: '更改密码' }).click();
    // Every other session ends; this browser, which proved the current password, stays signed in.
    await page.getByText('密码已更改。').waitFor();
    expect(page.url()).toBe(`${fixture.op.issuer}/account?done=password`);
    expect(await fixture.op.stores.users.verify(BOB.username, 'a brand new password 1')).toBeTruthy();
    await fixture.op.stores.users.setPassword(BOB.username, BOB.password);
  });
});
