/**
 * The second-factor pages in Chromium: passkeys through its virtual authenticator (the DevTools protocol's WebAuthn
 * domain), registered from the enrolment page, used as the second factor and for "Sign in with a passkey", the relying
 * party checking acr and amr with jose, a replayed answer and a missing challenge refused; and the authenticator app's
 * pages by keyboard alone in Simplified Chinese.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { ACR_MFA } from '../../src/oidc/acr.js';
import { useBrowser } from '../support/browser.js';
import { useCallbackSink } from '../support/callback-sink.js';
import { jsonOf, runCli } from '../support/cli.js';
import { freePort } from '../support/ports.js';
import { startTestProvider, type TestProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { verifyIdToken } from '../support/rp.js';

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
const sink = useCallbackSink();
let clientId = '';

beforeAll(async () => {
  clientId = (await op!.stores.clients.create({ name: 'Passkey RP', redirectUris: [`${sink.origin}/cb`], responseTypes: ['id_token'], firstParty: true })).client_id;
});

const authUrl = (params: Record<string, string> = {}) =>
  `${op!.issuer}/auth?${new URLSearchParams({ client_id: clientId, response_type: 'id_token', scope: 'openid', redirect_uri: `${sink.origin}/cb`, nonce: `n-${Math.random().toString(36).slice(2)}`, prompt: 'login', ...params })}`;

/** `synced`: its credentials say they are backup eligible and backed up (BE, BS), as a cloud keychain's do. */
async function withAuthenticator(page: Page, synced = false): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
      defaultBackupEligibility: synced,
      defaultBackupState: synced,
    },
  });
}

async function password(page: Page, username: string, pass: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel(/^Password$/).fill(pass);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function idToken(page: Page) {
  await page.waitForURL(`${sink.origin}/cb#*`);
  const token = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('id_token');
  expect(token).toBeTruthy();
  return (await verifyIdToken(op!.issuer, token!, clientId)).payload;
}

test('a passkey registered at enrolment, then used as the second factor: acr mfa, amr pwd hwk user mfa; an old answer is refused', async () => {
  const user = await op!.stores.users.create({ username: 'passkey-user', password: 'passkey-user long password' });
  const page = await browser.page();
  await withAuthenticator(page);
  const answers: string[] = [];
  page.on('request', (req) => {
    if (req.url().endsWith('/mfa/passkey/verify')) answers.push(req.postData() ?? '');
  });

  await page.goto(authUrl({ acr_values: ACR_MFA }));
  await password(page, 'passkey-user', 'passkey-user long password');
  await page.getByRole('button', { name: 'Use a passkey or security key instead' }).click();
  // A first passkey comes with ten recovery codes, shown once by the page.
  await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
  expect(await page.locator('#passkey-code-list li').count()).toBe(10);
  expect(await op!.stores.mfa.summary(user.sub)).toMatchObject({ recoveryCodesLeft: 10 });
  await browser.screenshot(page, 'mfa-passkey-recovery-codes');
  await page.getByRole('link', { name: 'I have saved them — continue' }).click();
  const enrolled = await idToken(page);
  expect(enrolled.acr).toBe(ACR_MFA);
  expect(enrolled.amr).toEqual(['pwd', 'hwk', 'user', 'mfa']);
  expect(await op!.stores.mfa.summary(user.sub)).toMatchObject({ passkeys: 1, totp: false, passkeyList: [{ synced: false, backedUp: false }] });
  await browser.screenshot(page, 'mfa-passkey-enrolled');

  await page.goto(authUrl());
  await password(page, 'passkey-user', 'passkey-user long password');
  const button = page.getByRole('button', { name: 'Use a passkey or security key' });
  await button.waitFor();
  await browser.screenshot(page, 'mfa-passkey-prompt');
  await button.click();
  const signedIn = await idToken(page);
  expect(signedIn.acr).toBe(ACR_MFA);
  expect(signedIn.amr).toEqual(['pwd', 'hwk', 'user', 'mfa']);

  // The same answer posted again on a new sign-in: its challenge is not this one's, and none was handed out yet.
  expect(answers).toHaveLength(1);
  await page.goto(authUrl());
  await password(page, 'passkey-user', 'passkey-user long password');
  await button.waitFor();
  const replay = await page.evaluate(async ([answer]) => {
    const base = document.getElementById('passkey')!.getAttribute('data-base')!;
    const csrf = document.getElementById('passkey')!.getAttribute('data-csrf')!;
    const body = new URLSearchParams(answer);
    body.set('csrf', csrf);
    const first = await fetch(`${base}/mfa/passkey/verify`, { method: 'POST', body });
    await fetch(`${base}/mfa/passkey/options`, { method: 'POST', body: new URLSearchParams({ csrf, purpose: 'authenticate' }) });
    const second = await fetch(`${base}/mfa/passkey/verify`, { method: 'POST', body });
    return [first.status, second.status];
  }, [answers[0]!]);
  expect(replay).toEqual([400, 400]);
  await op!.stores.audit.flush();
  const failures = (await op!.stores.audit.tail(50, { type: 'mfa', user: user.sub })).filter((e) => e.outcome === 'failure').map((e) => e.action);
  expect(failures).toEqual(expect.arrayContaining(['passkey verify without a challenge', 'passkey verify refused']));
});

test('a synced passkey (backup eligible and backed up) reports amr swk, at enrolment, as the second factor and alone; shown as synced', async () => {
  const user = await op!.stores.users.create({ username: 'synced-user', password: 'synced-user long password' });
  const page = await browser.page();
  await withAuthenticator(page, true);
  await page.goto(authUrl({ acr_values: ACR_MFA }));
  await password(page, 'synced-user', 'synced-user long password');
  await page.getByRole('button', { name: 'Use a passkey or security key instead' }).click();
  await page.getByRole('link', { name: 'I have saved them — continue' }).click();
  const enrolled = await idToken(page);
  expect(enrolled.acr).toBe(ACR_MFA);
  expect(enrolled.amr).toEqual(['pwd', 'swk', 'user', 'mfa']);
  expect(await op!.stores.mfa.summary(user.sub)).toMatchObject({ passkeys: 1, passkeyList: [{ synced: true, backedUp: true }] });

  await page.goto(authUrl());
  await password(page, 'synced-user', 'synced-user long password');
  await page.getByRole('button', { name: 'Use a passkey or security key' }).click();
  expect((await idToken(page)).amr).toEqual(['pwd', 'swk', 'user', 'mfa']);

  await page.goto(authUrl());
  await page.getByRole('link', { name: 'Sign in with a passkey' }).click();
  await page.getByRole('button', { name: 'Continue with a passkey' }).click();
  const alone = await idToken(page);
  expect(alone.sub).toBe(user.sub);
  expect(alone.amr).toEqual(['swk', 'user', 'mfa']);

  // The security page and the command line say which kind it is, in both languages.
  await page.goto(`${op!.issuer}/account/security`);
  await expect(page.locator('#passkey-list').textContent()).resolves.toContain('Synced: usable on your other devices too');
  await page.goto(`${op!.issuer}/account/security?lang=zh-CN`);
  await expect(page.locator('#passkey-list').textContent()).resolves.toContain('已同步');
  await browser.screenshot(page, 'account-security-synced-passkey');
  const shown = await runCli(['user', 'mfa', 'show', 'synced-user'], { REDIS_URL: redis!.url, REDIS_KEY_PREFIX: redis!.prefix, NODE_ENV: 'test' });
  expect(shown.stdout).toMatch(/passkeys: 1\n {4}passkey, added \S+, synced \(amr swk\)/);
  const bound = await runCli(['user', 'mfa', 'show', 'passkey-user', '--json'], { REDIS_URL: redis!.url, REDIS_KEY_PREFIX: redis!.prefix, NODE_ENV: 'test' });
  expect(jsonOf(bound)).toMatchObject({ passkeys: 1, passkeyList: [{ synced: false, backedUp: false }] });
});

test('"Sign in with a passkey": no password, the discoverable passkey names the account; acr mfa, amr hwk user mfa', async () => {
  const user = await op!.stores.users.create({ username: 'passwordless-user', password: 'passwordless-user long password' });
  const page = await browser.page();
  await withAuthenticator(page);
  await page.goto(authUrl({ acr_values: ACR_MFA }));
  await password(page, 'passwordless-user', 'passwordless-user long password');
  await page.getByRole('button', { name: 'Use a passkey or security key instead' }).click();
  await page.getByRole('link', { name: 'I have saved them — continue' }).click();
  await idToken(page);

  await page.goto(authUrl());
  expect(await page.locator('script').count()).toBe(0);
  await page.getByRole('link', { name: 'Sign in with a passkey' }).click();
  await browser.screenshot(page, 'passkey-sign-in');
  await page.getByRole('button', { name: 'Continue with a passkey' }).click();
  const claims = await idToken(page);
  expect(claims.sub).toBe(user.sub);
  expect(claims.acr).toBe(ACR_MFA);
  expect(claims.amr).toEqual(['hwk', 'user', 'mfa']);

  // A disabled account: the same passkey signs nobody in.
  await op!.stores.users.setDisabled('passwordless-user', true);
  await page.goto(authUrl());
  await page.getByRole('link', { name: 'Sign in with a passkey' }).click();
  await page.getByRole('button', { name: 'Continue with a passkey' }).click();
  await expect(page.locator('#passkey-status').filter({ hasText: 'could not be used' }).waitFor()).resolves.toBeUndefined();
  expect(page.url()).not.toContain('#id_token');
});

test('the authenticator app pages by keyboard alone, in Simplified Chinese: the code field has focus, Enter submits, errors are announced', async () => {
  await op!.stores.users.create({ username: 'keyboard-user', password: 'keyboard-user long password' });
  const page = await browser.page();
  await page.goto(authUrl({ acr_values: ACR_MFA, ui_locales: 'zh-CN' }));
  // Chromium moves focus to an autofocus field at its next rendering update, which may come after the load event.
  await page.waitForFunction(() => document.activeElement?.id === 'username');
  await page.keyboard.type('keyboard-user');
  await page.keyboard.press('Tab');
  await page.keyboard.type('keyboard-user long password');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: '设置身份验证器应用' }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  await page.waitForFunction(() => document.activeElement?.id === 'code');
  await browser.screenshot(page, 'mfa-enrol-zh-CN');

  await page.keyboard.type('000000');
  await page.keyboard.press('Enter');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  expect(await alert.textContent()).toMatch(/验证码/);
  expect(await page.locator('#code').getAttribute('aria-describedby')).toBe('form-error');

  const secret = (await page.locator('#secret').textContent())!.replace(/\s/g, '');
  const { Secret, TOTP } = await import('otpauth');
  await page.locator('#code').fill(new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate());
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: '您的恢复码' }).waitFor();
  expect(await page.locator('#recovery-codes li').count()).toBe(10);
  await browser.screenshot(page, 'mfa-recovery-codes-zh-CN');
  await page.getByRole('link', { name: '我已保存，继续' }).focus();
  await page.keyboard.press('Enter');
  expect((await idToken(page)).acr).toBe(ACR_MFA);
});
