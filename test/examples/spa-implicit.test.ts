/** examples/spa-implicit (oidc-client, id_token token) in Chromium against the provider: the guide's first app. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { serveImplicitSpa } from '../../examples/spa-implicit/server.js';
import type { RunningSite } from '../../examples/static-server.js';
import { fileURLToPath } from 'node:url';
import { useBrowser } from '../support/browser.js';
import { freePort } from '../support/ports.js';
import { ALICE, useProvider } from '../support/provider.js';
import { registerClient, registrationArgs } from '../support/register-client.js';

const REGISTER = fileURLToPath(new URL('../../examples/spa-implicit/register.sh', import.meta.url));
const fixture = useProvider();
const browser = useBrowser();
let spa: RunningSite;

beforeAll(async () => {
  const port = await freePort();
  const app = `http://127.0.0.1:${port}`;
  // The registration the guide shows (the example's register.sh), with this run's origin.
  const { client_id } = await registerClient(fixture, await registrationArgs(REGISTER, { APP: app }));
  spa = await serveImplicitSpa({ authority: fixture.op.issuer, clientId: client_id, port });
});

afterAll(async () => {
  await spa?.close();
});

describe('examples/spa-implicit', () => {
  test('signs in with id_token token, loads userinfo, renews silently in an iframe, and signs out', async () => {
    const page = await browser.page();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    // Console errors, a CSP refusal among them (the browser's own favicon request aside).
    page.on('console', (msg) => msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico') && errors.push(`${msg.text()} ${msg.location().url}`));
    const origins = new Set<string>();
    page.on('request', (req) => void origins.add(new URL(req.url()).origin));
    await page.goto(spa.url);
    await page.locator('#status', { hasText: 'Not signed in.' }).waitFor();

    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();

    await page.locator('#status', { hasText: `Signed in as ${ALICE.sub}.` }).waitFor();
    expect(page.url()).toBe(spa.url); // the fragment with the tokens is gone from the address bar
    const profile = JSON.parse((await page.locator('#profile').textContent())!);
    // name and email come from userinfo, fetched cross-origin with the access token.
    expect(profile).toMatchObject({ sub: ALICE.sub, name: 'Alice Liddell', email: 'alice@example.com' });
    await browser.screenshot(page, 'example-spa-implicit');

    await page.getByRole('button', { name: 'Renew silently' }).click();
    await page.locator('#status[data-renewed="1"]').waitFor();
    await expect(page.locator('#status').textContent()).resolves.toBe(`Signed in as ${ALICE.sub}.`);
    await expect(page.locator('#error').isHidden()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL((url) => url.href.startsWith(spa.url));
    await page.locator('#status', { hasText: 'Not signed in.' }).waitFor();
    expect(errors).toEqual([]);
    // The library came from the app's own origin: no CDN, nothing but the app and the provider.
    expect([...origins].sort()).toEqual([new URL(spa.url).origin, fixture.op.issuer].sort());
  });

  test('shows the error the provider redirects back: access_denied when the user cancels', async () => {
    const page = await browser.page();
    await page.goto(spa.url);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('#error', { hasText: 'access_denied' }).waitFor();
    await expect(page.locator('#status').textContent()).resolves.toBe('Not signed in.');
  });

  test('a silent renew once the provider session is gone shows login_required', async () => {
    const page = await browser.page();
    await page.goto(spa.url);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#status', { hasText: `Signed in as ${ALICE.sub}.` }).waitFor(); // consent given in the first test
    await page.context().clearCookies(); // the provider's session cookies: the app keeps its tokens in sessionStorage
    await page.getByRole('button', { name: 'Renew silently' }).click();
    await page.locator('#error', { hasText: 'login_required' }).waitFor();
    await expect(page.locator('#status').textContent()).resolves.toBe('Not signed in.');
  });
});
