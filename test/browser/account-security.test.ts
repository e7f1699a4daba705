/**
 * The user's own second factors (/account/security) in Chromium: an authenticator app enrolled with a code computed
 * by otpauth, new recovery codes (the old set void) and a sign-in with one of them, a named passkey added through
 * the virtual authenticator and removed (the last one refused while mfa.required applies), forged requests refused,
 * a stale sign-in asked for the password again, the page in Simplified Chinese; and a password change that keeps
 * this browser signed in and signs out another.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { epochSeconds } from '../../src/time.js';
import { useBrowser } from '../support/browser.js';
import { freePort } from '../support/ports.js';
import { startTestProvider, type TestProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

// WebAuthn binds a passkey to a domain: the issuer is http://localhost (a secure context), not an IP address.
let redis: TestRedis | undefined;
let op: TestProvider | undefined;
beforeAll(async () => {
  redis = await startTestRedis();
  const port = await freePort();
  op = await startTestProvider(redis, { PORT: String(port), ISSUER: `http://localhost:${port}`, PROXY: 'true' });
});
afterAll(async () => {
  await op?.close(500);
  await redis?.close();
});
const browser = useBrowser();

const security = () => `${op!.issuer}/account/security`;
const totpCode = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();

async function password(page: Page, username: string, pass: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel(/^Password$/).fill(pass);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function withAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
}

async function mfaEvents(sub: string): Promise<string[]> {
  await op!.stores.audit.flush();
  return (await op!.stores.audit.tail(50, { type: 'mfa', user: sub })).map((e) => `${e.outcome} ${e.action}`);
}

test('an authenticator app enrolled from the account page, new recovery codes (the old set void), a sign-in with one; forged requests refused', async () => {
  const user = await op!.stores.users.create({ username: 'security-app', password: 'security-app long password' });
  const page = await browser.page();
  await page.goto(`${op!.issuer}/account`);
  await password(page, 'security-app', 'security-app long password');
  await page.waitForURL(`${op!.issuer}/account`);
  await page.getByRole('link', { name: 'Manage your second factors' }).click();
  await page.waitForURL(security());
  await expect(page.locator('#app-state').textContent()).resolves.toContain('No authenticator app');
  const headers = (await page.goto(security()))!.headers();
  expect(headers['content-security-policy']).toContain("script-src 'self'");
  expect(headers['cache-control']).toBe('no-store');

  const secret = (await page.locator('#secret').textContent())!.replace(/\s/g, '');
  await page.getByLabel('Six-digit code').fill('000000');
  await page.getByRole('button', { name: 'Add authenticator app' }).click();
  await expect(page.getByRole('alert').textContent()).resolves.toContain('That code is not right');
  expect(await op!.stores.mfa.summary(user.sub)).toMatchObject({ totp: false });
  // By keyboard: the code field, then Enter.
  await page.getByLabel('Six-digit code').focus();
  await page.keyboard.type(totpCode(secret));
  await page.keyboard.press('Enter');
  await page.getByText('Your authenticator app is set up.').waitFor();
  const firstSet = await page.locator('#recovery-codes li').allTextContents();
  expect(firstSet).toHaveLength(10);
  expect(await op!.stores.mfa.summary(user.sub)).toMatchObject({ totp: true, recoveryCodesLeft: 10 });
  await browser.screenshot(page, 'account-security-app');

  await page.getByRole('button', { name: 'Create new recovery codes' }).focus();
  await page.keyboard.press('Enter');
  await page.getByText('New recovery codes are created').waitFor();
  const codes = await page.locator('#recovery-codes li').allTextContents();
  expect(codes).toHaveLength(10);
  expect(codes).not.toContain(firstSet[0]);
  expect(await op!.stores.mfa.useRecoveryCode(user.sub, firstSet[0]!)).toBe('wrong');

  // A forged request (no CSRF token of this session) changes nothing.
  for (const path of ['/app/remove', '/recovery-codes', '/passkey/options']) {
    const forged = await page.request.post(`${security()}${path}`, { form: { csrf: 'forged' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
  }
  expect(await op!.stores.mfa.summary(user.sub)).toMatchObject({ totp: true, recoveryCodesLeft: 10 });

  // Another browser signs in with the password and one of the new codes.
  const other = await browser.page();
  await other.goto(`${op!.issuer}/account`);
  await password(other, 'security-app', 'security-app long password');
  await other.getByText('Use a recovery code instead').click();
  await other.getByLabel('Recovery code').fill(codes[3]!);
  await other.getByRole('button', { name: 'Use recovery code' }).click();
  await other.waitForURL(`${op!.issuer}/account`);
  expect(await op!.stores.mfa.summary(user.sub)).toMatchObject({ recoveryCodesLeft: 9 });

  // The same page in Simplified Chinese.
  await page.goto(`${security()}?lang=zh-CN`);
  await page.getByRole('heading', { name: '第二步验证方式' }).waitFor();
  await expect(page.locator('#app-state').textContent()).resolves.toContain('设置于');
  await expect(page.locator('#recovery-state').textContent()).resolves.toContain('剩余恢复码：9');
  await browser.screenshot(page, 'account-security-zh-CN');

  expect(await mfaEvents(user.sub)).toEqual(
    expect.arrayContaining(['failure totp enrolment wrong on the account page', 'success totp enrolled on the account page', 'success recovery codes created on the account page']),
  );
});

test('a named passkey added through the virtual authenticator, listed, then removed; the last one is kept while mfa.required applies', async () => {
  const user = await op!.stores.users.create({ username: 'security-passkey', password: 'security-passkey long password' });
  const page = await browser.page();
  await withAuthenticator(page);
  await page.goto(security());
  await password(page, 'security-passkey', 'security-passkey long password');
  await page.waitForURL(security());
  await page.getByLabel('Name of a new passkey').fill('Laptop key');
  await page.getByRole('button', { name: 'Add a passkey or security key' }).click();
  // The account's first factor: ten recovery codes, shown once by the page's script.
  await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
  expect(await page.locator('#passkey-code-list li').count()).toBe(10);
  await page.getByRole('link', { name: 'I have saved them — continue' }).click();
  await page.getByText('Your passkey is added.').waitFor();
  await expect(page.locator('#passkey-list').textContent()).resolves.toContain('Laptop key');
  const stored = await op!.stores.mfa.passkeys(user.sub);
  expect(stored.map((p) => p.name)).toEqual(['Laptop key']);
  await browser.screenshot(page, 'account-security-passkey');

  await op!.stores.providerSettings.set('mfa.required', 'all');
  await op!.live.refresh();
  try {
    await page.reload();
    await page.getByRole('button', { name: 'Remove passkey Laptop key' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('This is your last second factor');
    expect(await op!.stores.mfa.passkeys(user.sub)).toHaveLength(1);
  } finally {
    await op!.stores.providerSettings.set('mfa.required', 'off');
    await op!.live.refresh();
  }
  await page.getByRole('button', { name: 'Remove passkey Laptop key' }).click();
  await page.getByText('The passkey is removed.').waitFor();
  // The last factor gone: its recovery codes with it, a password alone again.
  expect(await op!.stores.mfa.summary(user.sub)).toMatchObject({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
  expect(await mfaEvents(user.sub)).toEqual(
    expect.arrayContaining(['success passkey registered on the account page', 'failure passkey removal refused: a second factor is required on the account page', 'success passkey removed on the account page']),
  );
});

test('a sign-in older than a few minutes: each change asks for the password again first, then comes back here', async () => {
  // The account exists since an hour ago, so a sign-in ten minutes old is still one of its own (the credential fence).
  jest.useFakeTimers({
    now: Date.now() - 3_600_000,
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
  let sub = '';
  try {
    sub = (await op!.stores.users.create({ username: 'security-stale', password: 'security-stale long password' })).sub;
  } finally {
    jest.useRealTimers();
  }
  const page = await browser.page();
  await page.goto(security());
  await password(page, 'security-stale', 'security-stale long password');
  await page.waitForURL(security());
  const provider = op!.provider.current;
  const id = (await page.context().cookies()).find((c) => c.name === provider.cookieName('session'))!.value;
  const session = (await provider.Session.find(id))!;
  session.loginTs = epochSeconds() - 600;
  await session.persist();

  const csrf = await page.locator('input[name="csrf"]').first().inputValue();
  const refused = await page.request.post(`${security()}/passkey/options`, { form: { csrf } });
  expect(refused.status()).toBe(401);
  expect(((await refused.json()) as { location: string }).location).toContain('prompt=login');

  const secret = (await page.locator('#secret').textContent())!.replace(/\s/g, '');
  await page.getByLabel('Six-digit code').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Add authenticator app' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  expect(await op!.stores.mfa.summary(sub)).toMatchObject({ totp: false });
  await password(page, 'security-stale', 'security-stale long password');
  await page.waitForURL(security());
  await page.getByLabel('Six-digit code').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Add authenticator app' }).click();
  await page.getByText('Your authenticator app is set up.').waitFor();
  expect(await op!.stores.mfa.summary(sub)).toMatchObject({ totp: true });
});

test('a password change keeps this browser signed in and signs out the other browser', async () => {
  const user = await op!.stores.users.create({ username: 'security-password', password: 'security-password long password' });
  const signIn = async () => {
    const page = await browser.page();
    await page.goto(`${op!.issuer}/account`);
    await password(page, 'security-password', 'security-password long password');
    await page.waitForURL(`${op!.issuer}/account`);
    return page;
  };
  const other = await signIn();
  const page = await signIn();
  expect(await op!.stores.sessions.list(user.sub)).toHaveLength(2);
  await expect(page.getByText('Your other sessions will be signed out').isVisible()).resolves.toBe(true);
  await page.getByLabel('Current password').fill('security-password long password');
  await page.getByLabel('New password', { exact: true }).fill('security-password new password');
  await page.getByLabel('New password again').fill('security-password new password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Your password is changed.').waitFor();
  expect(await op!.stores.users.verify('security-password', 'security-password new password')).toBeTruthy();

  // This browser: still signed in, on a reload too; the only session left is this one.
  await page.goto(`${op!.issuer}/account`);
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
  await expect(page.getByText('(this device)').isVisible()).resolves.toBe(true);
  expect(await op!.stores.sessions.list(user.sub)).toHaveLength(1);
  // The other browser: signed out.
  await other.goto(`${op!.issuer}/account`);
  await other.getByRole('heading', { name: 'Sign in' }).waitFor();
});
