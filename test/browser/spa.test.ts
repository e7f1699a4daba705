/** The example single-page app (oidc-client, a third-party library) against the provider, in Chromium. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { serveSpa, type RunningSpa } from '../../examples/spa/server.js';
import { ALICE, useProvider } from '../support/provider.js';
import { useBrowser } from '../support/browser.js';
import { freePort } from '../support/ports.js';

const fixture = useProvider();
const browser = useBrowser();
let spa: RunningSpa;

beforeAll(async () => {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const { client_id } = await fixture.op.stores.clients.create({
    name: 'Demo SPA',
    redirectUris: [`${origin}/`, `${origin}/silent-renew.html`],
    postLogoutRedirectUris: [`${origin}/`],
    responseTypes: ['id_token token'],
  });
  spa = await serveSpa({ authority: fixture.op.issuer, clientId: client_id, port });
});

afterAll(async () => {
  await spa?.close();
});

describe('the example SPA', () => {
  test('signs in with id_token token, shows ID token and userinfo claims, renews silently, and signs out', async () => {
    const page = await browser.page();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(spa.url);
    await expect(page.locator('#status').textContent()).resolves.toBe('Not signed in.');

    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();

    await page.waitForURL(spa.url);
    await page.locator('#userinfo:not(:empty)').waitFor();
    await expect(page.locator('#status').textContent()).resolves.toBe(`Signed in as ${ALICE.sub}.`);
    const idToken = JSON.parse((await page.locator('#id-token-claims').textContent())!);
    expect(idToken).toMatchObject({ sub: ALICE.sub, iss: fixture.op.issuer });
    expect(typeof idToken.nonce).toBe('string');
    expect(typeof idToken.at_hash).toBe('string');
    const userinfo = JSON.parse((await page.locator('#userinfo').textContent())!);
    expect(userinfo).toMatchObject({ sub: ALICE.sub, name: 'Alice Liddell', email: 'alice@example.com' });
    await browser.screenshot(page, 'spa-signed-in');

    const before = await page.locator('#id-token-claims').textContent();
    await page.getByRole('button', { name: 'Renew silently (prompt=none)' }).click();
    await page.locator('#renewals', { hasText: '1' }).waitFor();
    const after = await page.locator('#id-token-claims').textContent();
    expect(JSON.parse(after!).nonce).not.toBe(JSON.parse(before!).nonce);
    expect(JSON.parse(after!).sub).toBe(ALICE.sub);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL((url) => url.href.startsWith(spa.url));
    await page.locator('#status', { hasText: 'Not signed in.' }).waitFor();
    expect(errors).toEqual([]);

    // The provider's session is gone too: signing in again asks for the password.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Password').waitFor();
  });
});
