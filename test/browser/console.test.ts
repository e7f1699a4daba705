/** The web console in Chromium: an administrator registers a client and it signs a user in at once; everyone else is kept out. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { ALICE, useProvider } from '../support/provider.js';
import { useBrowser } from '../support/browser.js';
import { useCallbackSink } from '../support/callback-sink.js';
import { atHash, verifyIdToken } from '../support/rp.js';

const fixture = useProvider();
const browser = useBrowser();
const sink = useCallbackSink();
const ADMIN = { username: 'carol', password: 'carol admin password' };

beforeAll(async () => {
  await fixture.op.stores.users.create({ ...ADMIN, role: 'admin' });
});

async function login(page: Page, user: { username: string; password: string }) {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel(/^Password$/).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the console with JavaScript off: every page and form works without it. */
async function signedIn(user: { username: string; password: string }): Promise<Page> {
  const page = await browser.page({ javaScriptEnabled: false, locale: 'en-US' });
  await page.goto(`${fixture.op.issuer}/admin`);
  await login(page, user);
  return page;
}

describe('console', () => {
  test('an administrator creates an implicit client, and a real implicit sign-in with it succeeds', async () => {
    const page = await signedIn(ADMIN);
    await page.getByRole('heading', { name: 'Clients' }).waitFor();
    await page.getByRole('link', { name: 'New client' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Photo Wall');
    await page.getByLabel('Description').fill('The team photo wall');
    await page.getByLabel('Homepage').fill('https://photos.example.test/');
    await page.getByLabel('Redirect URIs', { exact: true }).fill(`${sink.origin}/cb`);
    await page.getByRole('checkbox', { name: 'id_token token' }).check();
    await browser.screenshot(page, 'console-client-new-en');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Client saved' }).waitFor();
    const clientId = (await page.locator('#client-id').textContent())!;
    expect(clientId).toMatch(/^[0-9a-f]{32}$/);
    await expect(page.locator('#client-secret').count()).resolves.toBe(0); // a public client has no secret
    await page.getByRole('link', { name: 'Clients' }).click();
    await expect(page.getByRole('cell', { name: clientId }).isVisible()).resolves.toBe(true);
    await browser.screenshot(page, 'console-clients-en');

    const stored = await fixture.op.stores.clients.require(clientId);
    expect(stored.metadata).toMatchObject({ client_name: 'Photo Wall', response_types: ['id_token token'], redirect_uris: [`${sink.origin}/cb`] });

    // The relying party's sign-in, in another browser, as a plain user.
    const rp = await browser.page({ locale: 'en-US' });
    const query = new URLSearchParams({ client_id: clientId, response_type: 'id_token token', scope: 'openid', redirect_uri: `${sink.origin}/cb`, nonce: 'console-nonce', state: 'console-state' });
    await rp.goto(`${fixture.op.issuer}/auth?${query}`);
    await login(rp, ALICE);
    await rp.getByRole('button', { name: 'Allow' }).click();
    await rp.waitForURL(`${sink.origin}/cb#*`);
    const fragment = new URLSearchParams(new URL(rp.url()).hash.slice(1));
    expect(fragment.get('state')).toBe('console-state');
    const { payload } = await verifyIdToken(fixture.op.issuer, fragment.get('id_token')!, clientId);
    expect(payload).toMatchObject({ sub: ALICE.sub, nonce: 'console-nonce', at_hash: atHash(fragment.get('access_token')!) });
  });

  test('a confidential client gets its secret shown once', async () => {
    const page = await signedIn(ADMIN);
    await page.getByRole('link', { name: 'New client' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Back office');
    await page.getByLabel('Redirect URIs', { exact: true }).fill('https://backoffice.example.test/cb');
    await page.getByRole('checkbox', { name: 'code', exact: true }).check();
    await page.getByLabel('Client authentication').selectOption('client_secret_basic');
    await page.getByRole('button', { name: 'Save' }).click();
    const secret = (await page.locator('#client-secret').textContent())!;
    expect(secret.length).toBeGreaterThanOrEqual(43);
    await expect(page.getByText('it is shown once').isVisible()).resolves.toBe(true);
    const clientId = (await page.locator('#client-id').textContent())!;
    expect(JSON.stringify(await fixture.op.stores.clients.require(clientId))).not.toContain(secret);
  });

  test('a bad redirect URI is refused with the message beside the field, and nothing is saved', async () => {
    const page = await signedIn(ADMIN);
    const before = (await fixture.op.stores.clients.list()).length;
    await page.getByRole('link', { name: 'New client' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Insecure');
    const uris = page.getByLabel('Redirect URIs', { exact: true });
    await uris.fill('http://insecure.example.test/cb');
    await page.getByRole('checkbox', { name: 'id_token', exact: true }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    const message = page.locator('#redirectUris-error');
    await expect(message.textContent()).resolves.toMatch(/^redirect-uri http:\/\/insecure\.example\.test\/cb: .*https/);
    await expect(uris.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(uris.getAttribute('aria-describedby')).resolves.toBe('redirectUris-error');
    await expect(uris.inputValue()).resolves.toBe('http://insecure.example.test/cb'); // what was typed stays
    await expect(page.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('Insecure');
    await browser.screenshot(page, 'console-client-error-en');
    expect((await fixture.op.stores.clients.list()).length).toBe(before);
  });

  test('a user without the admin role is refused and sees no data', async () => {
    const page = await signedIn(ALICE);
    await page.getByRole('heading', { name: 'Administrators only' }).waitFor();
    const text = await page.textContent('body');
    expect(text).not.toContain('Photo Wall');
    expect(text).not.toContain('Clients');
    await page.getByRole('button', { name: 'Sign out' }).click();
    // The provider's own sign-out confirmation, then back to the console, which asks for a login again.
    await page.getByRole('button', { name: /sign out|yes/i }).first().click();
    await page.getByLabel('Username').waitFor();
  });

  test('anonymous: sent to the login page', async () => {
    const page = await browser.page({ locale: 'en-US' });
    const response = await page.goto(`${fixture.op.issuer}/admin/users`);
    expect(new URL(page.url()).pathname).toMatch(/^\/interaction\//);
    expect(response!.status()).toBe(200);
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
  });

  test('the console in Chinese', async () => {
    const page = await browser.page({ javaScriptEnabled: false, locale: 'zh-CN' });
    await page.goto(`${fixture.op.issuer}/admin/migration`);
    await page.getByLabel('用户名').fill(ADMIN.username);
    await page.getByLabel(/^密码$/).fill(ADMIN.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '隐式流程迁移' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    await browser.screenshot(page, 'console-migration-zh-CN');
  });
});
