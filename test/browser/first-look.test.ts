/**
 * A first look in Chromium, as a newcomer gets it: `npm start`'s banner, its try URL signed in to the end on the
 * provider's own callback page (tokens decoded and checked in the browser), the landing page, and development error
 * pages that name the client or redirect_uri at fault. The server is the real process on the project's own config.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { useBrowser } from '../support/browser.js';
import { overflowing } from '../support/narrow.js';
import { freePort } from '../support/ports.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';
import { FAST_ARGON2 } from '../support/provider.js';
import { verifyIdToken } from '../support/rp.js';

const browser = useBrowser();
const ALICE = { username: 'alice', password: 'alice-password', sub: 'c0ffee00a11ce000000000000000a11c' };
let server: ServerProcess;
let issuer = '';
let banner = '';

/** Resolves with the output once `text` is in it (the banner follows the "listening" log line). */
function outputWith(process: ServerProcess, text: string): Promise<string> {
  return new Promise((resolve) => {
    const check = () => {
      if (!process.output().includes(text)) return;
      process.child.stdout?.off('data', check);
      resolve(process.output());
    };
    process.child.stdout?.on('data', check);
    check();
  });
}

beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  // The embedded default: no Redis, no NODE_ENV, the repository's config/ (demo client and users).
  server = await startServerProcess({ PORT: String(port), HOST: '127.0.0.1', ISSUER: issuer, ...FAST_ARGON2 });
  banner = await outputWith(server, 'demo user  admin');
});

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

const tryUrl = () => /^ {2}try {8}(\S+)$/m.exec(banner)?.[1] ?? '';

/** Collects what would show a broken page: script errors and CSP refusals in the console. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} ${message.location().url}`);
  });
  return errors;
}

async function signInAndAllow(page: Page) {
  await page.getByLabel(/Username|用户名/).fill(ALICE.username);
  await page.getByLabel(/^Password$|^密码$/).fill(ALICE.password);
  await page.getByRole('button', { name: /^Sign in$|^登录$/ }).click();
  await page.getByRole('button', { name: /^Allow$|^允许$/ }).click();
}

describe('the banner try URL', () => {
  test('points at the built-in callback page with a nonce and a state', () => {
    const url = new URL(tryUrl());
    expect(url.origin + url.pathname).toBe(`${issuer}/auth`);
    expect(url.searchParams.get('client_id')).toBe('demo-spa');
    expect(url.searchParams.get('response_type')).toBe('id_token token');
    expect(url.searchParams.get('redirect_uri')).toBe(`${issuer}/demo/callback`);
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(banner).toContain(`  home       ${issuer}/`);
  });

  test('a real sign-in ends on our page: the ID token decoded, every check passed, userinfo shown', async () => {
    const page = await browser.page({ locale: 'en-US' });
    const errors = watchErrors(page);
    await page.goto(tryUrl());
    await signInAndAllow(page);
    await page.getByRole('heading', { name: 'Sign-in complete' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/demo/callback');
    // Every check has an outcome once the script has fetched the JWKS and userinfo.
    const checks = page.locator('[data-check]');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-check]')).every((li) => (li as HTMLElement).dataset.outcome));
    await page.locator('#demo-userinfo:not(:empty)').waitFor();
    const outcomes = await checks.evaluateAll((items) => Object.fromEntries(items.map((li) => [(li as HTMLElement).dataset.check, (li as HTMLElement).dataset.outcome])));
    expect(outcomes).toEqual({ state: 'pass', nonce: 'pass', issuer: 'pass', audience: 'pass', expiry: 'pass', signature: 'pass', at_hash: 'pass' });
    // The tokens left the address bar.
    expect(new URL(page.url()).hash).toBe('');

    const header = JSON.parse((await page.locator('#demo-header').textContent())!) as Record<string, unknown>;
    const claims = JSON.parse((await page.locator('#demo-claims').textContent())!) as Record<string, unknown>;
    expect(header).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(claims).toMatchObject({ iss: issuer, aud: 'demo-spa', sub: ALICE.sub, nonce: new URL(tryUrl()).searchParams.get('nonce') });
    // What the page decoded is what the provider signed: checked again here with jose.
    const idToken = (await page.locator('#demo-id-token').textContent())!;
    const { payload } = await verifyIdToken(issuer, idToken, 'demo-spa');
    expect(payload).toEqual(claims);
    const userinfo = (await page.locator('#demo-userinfo').textContent())!;
    expect(userinfo.split('\n')[0]).toBe('200');
    expect(JSON.parse(userinfo.slice(userinfo.indexOf('\n') + 1))).toMatchObject({ sub: ALICE.sub, email: 'alice@example.com', name: 'Alice Liddell' });
    await expect(page.locator('#demo-access-token').textContent()).resolves.toMatch(/^\S{20,}$/);
    expect(errors).toEqual([]);
    await browser.screenshot(page, 'demo-callback-en');
  });

  test('at 375 px in Chinese, the page fits and the checks pass', async () => {
    const page = await browser.page({ locale: 'zh-CN', viewport: { width: 375, height: 800 } });
    await page.goto(tryUrl());
    await signInAndAllow(page);
    await page.getByRole('heading', { name: '登录完成' }).waitFor();
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-check]')).every((li) => (li as HTMLElement).dataset.outcome === 'pass'));
    await expect(overflowing(page)).resolves.toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await browser.screenshot(page, 'demo-callback-zh-CN-375');
  });

  test('an error answer (the user denies) is shown, with nothing decoded', async () => {
    const page = await browser.page({ locale: 'en-US' });
    await page.goto(tryUrl());
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel(/^Password$/).fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Deny' }).click();
    await expect(page.locator('#demo-error-code').textContent()).resolves.toBe('access_denied');
    await expect(page.locator('#demo-result').isHidden()).resolves.toBe(true);
  });

  test('with JavaScript off, the page says why it shows nothing', async () => {
    const page = await browser.page({ locale: 'en-US', javaScriptEnabled: false });
    await page.goto(`${issuer}/demo/callback#id_token=x&state=y`);
    await expect(page.getByText('turn JavaScript on to see it decoded').isVisible()).resolves.toBe(true);
    await expect(page.locator('#demo-empty').isVisible()).resolves.toBe(false);
  });

  test('opened without an answer, it says where to start', async () => {
    const page = await browser.page({ locale: 'en-US' });
    await page.goto(`${issuer}/demo/callback`);
    await expect(page.locator('#demo-empty').isVisible()).resolves.toBe(true);
    await expect(page.locator('#demo-nojs').isVisible()).resolves.toBe(false);
    await expect(page.getByRole('link', { name: 'Sign in again' }).getAttribute('href')).resolves.toBe(tryUrl());
  });
});

describe('the landing page', () => {
  test.each([
    ['en-US', 'OpenID Connect provider', 'Try a sign-in with the demo client', 'Discovery document', 'Web console', 'Getting started'],
    ['zh-CN', 'OpenID Connect 身份提供方', '用演示客户端试一次登录', '发现文档', '管理控制台', '入门'],
  ])('GET / in %s links the demo, discovery, the console and the docs', async (locale, heading, tryLabel, discovery, consoleLabel, docs) => {
    const page = await browser.page({ locale, viewport: { width: 375, height: 800 } });
    const errors = watchErrors(page);
    const response = await page.goto(`${issuer}/`);
    expect(response?.status()).toBe(200);
    await page.getByRole('heading', { name: heading }).waitFor();
    await expect(page.getByRole('link', { name: tryLabel, exact: true }).getAttribute('href')).resolves.toBe(tryUrl());
    await expect(page.getByRole('link', { name: discovery, exact: true }).getAttribute('href')).resolves.toBe(`${issuer}/.well-known/openid-configuration`);
    await expect(page.getByRole('link', { name: consoleLabel, exact: true }).getAttribute('href')).resolves.toBe(`${issuer}/admin`);
    const docsHref = (await page.getByRole('link', { name: docs, exact: true }).getAttribute('href'))!;
    const doc = await fetch(docsHref);
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toMatch(/^text\/plain/);
    await expect(doc.text()).resolves.toMatch(/^# Getting started/);
    await expect(overflowing(page)).resolves.toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(errors).toEqual([]);
    await browser.screenshot(page, `landing-${locale}-375`);
  });

  test('its try link signs in to the callback page', async () => {
    const page = await browser.page({ locale: 'en-US' });
    await page.goto(`${issuer}/`);
    await page.getByRole('link', { name: 'Try a sign-in with the demo client' }).click();
    await signInAndAllow(page);
    await page.waitForFunction(() => (document.querySelector('[data-check="signature"]') as HTMLElement | null)?.dataset.outcome === 'pass');
  });
});

describe('development error pages', () => {
  const authorize = (params: Record<string, string>) =>
    `${issuer}/auth?${new URLSearchParams({ response_type: 'id_token token', scope: 'openid', nonce: 'n', state: 's', ...params })}`;

  test('an unknown client_id is named, escaped', async () => {
    const page = await browser.page({ locale: 'en-US' });
    const response = await page.goto(authorize({ client_id: 'no-such-app<b>', redirect_uri: 'http://127.0.0.1:9/cb' }));
    expect(response?.status()).toBe(400);
    await expect(page.locator('.explanation').textContent()).resolves.toContain('No enabled client is registered with client_id “no-such-app<b>”');
    await expect(page.locator('.explanation b').count()).resolves.toBe(0);
    await browser.screenshot(page, 'error-unknown-client-en');
  });

  test('a redirect_uri that does not match is named with the ones the client registered, and nothing redirects', async () => {
    const page = await browser.page({ locale: 'zh-CN' });
    const response = await page.goto(authorize({ client_id: 'demo-spa', redirect_uri: 'http://localhost:4000/elsewhere' }));
    expect(response?.status()).toBe(400);
    expect(new URL(page.url()).origin).toBe(issuer);
    const explanation = page.locator('.explanation');
    await expect(explanation.textContent()).resolves.toContain('redirect_uri “http://localhost:4000/elsewhere” 不在此客户端已注册的地址中');
    await expect(explanation.locator('li').allTextContents()).resolves.toEqual([
      `${issuer}/demo/callback`,
      'http://localhost:4000/',
      'http://localhost:4000/silent-renew.html',
      'http://127.0.0.1:4000/',
      'http://127.0.0.1:4000/silent-renew.html',
    ]);
    await browser.screenshot(page, 'error-redirect-uri-zh-CN');
  });

  test('no stack trace reaches the log for these expected refusals', () => {
    expect(server.output()).not.toMatch(/\n\s+at \S+ \(/);
    expect(server.output()).not.toContain('"err"');
  });
});
