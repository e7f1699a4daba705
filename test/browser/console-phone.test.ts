/**
 * The console on a phone (375 px) and its small defects: signing key dates readable and kids labelled by algorithm,
 * the audit page naming users by username with times in the browser's own time zone, tables that fit.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { ALICE, useProvider } from '../support/provider.js';
import { useBrowser } from '../support/browser.js';
import { overflowing } from '../support/narrow.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { UserAgent } from '../support/user-agent.js';

const fixture = useProvider();
const browser = useBrowser();
const ADMIN = { username: 'dora', password: 'dora admin password' };
const PHONE = { width: 375, height: 800 };

beforeAll(async () => {
  await fixture.op.stores.users.create({ ...ADMIN, role: 'admin' });
  // A sign-in of alice: audited by her sub.
  await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
  // A key rotation: two generations on the keys page, one signing from a real date in the future.
  await fixture.op.stores.keyring.rotate(3_600_000);
});

async function consoleAt(path: string, options: Parameters<typeof browser.page>[0] = {}): Promise<Page> {
  const page = await browser.page({ locale: 'en-US', viewport: PHONE, ...options });
  await page.goto(`${fixture.op.issuer}/admin${path}`);
  await page.getByLabel(/^Username$|^用户名$/).fill(ADMIN.username);
  await page.getByLabel(/^Password$|^密码$/).fill(ADMIN.password);
  await page.getByRole('button', { name: /^Sign in$|^登录$/ }).click();
  await page.locator('h1').waitFor();
  return page;
}

describe('signing keys page', () => {
  test('dates are real and readable, each kid carries its algorithm', async () => {
    const page = await consoleAt('/keys', { javaScriptEnabled: false });
    const body = (await page.textContent('main'))!;
    expect(body).not.toContain('1970');
    expect(body).not.toContain('Invalid Date');
    const times = await page.locator('table time').evaluateAll((els) => els.map((el) => ({ datetime: el.getAttribute('datetime')!, text: el.textContent! })));
    expect(times.length).toBeGreaterThanOrEqual(4); // created and signs-from of both generations
    for (const { datetime, text } of times) {
      expect(Date.parse(datetime)).toBeGreaterThan(Date.parse('2020-01-01'));
      expect(text).toBe(`${datetime.slice(0, 10)} ${datetime.slice(11, 19)} UTC`); // without JavaScript: UTC, said so
    }
    const labels = await page.locator('.kids li').allTextContents();
    expect(labels.length).toBeGreaterThanOrEqual(6);
    for (const label of labels) expect(label).toMatch(/^(RS256|ES256|EdDSA) \S+$/);
    await expect(overflowing(page)).resolves.toEqual([]);
    await browser.screenshot(page, 'console-keys-375-en');
  });
});

describe('audit page', () => {
  test('sign-ins name the user by username (sub beside it), times in the browser\'s time zone', async () => {
    const page = await consoleAt('/audit', { timezoneId: 'Asia/Shanghai' });
    const row = page.locator('tr', { hasText: ALICE.sub }).filter({ hasText: 'token.issued' }).first();
    await expect(row.textContent()).resolves.toContain(`${ALICE.username}${ALICE.sub}`);
    const time = row.locator('time');
    const datetime = (await time.getAttribute('datetime'))!;
    // The served script rewrote the UTC text in Shanghai time (UTC+8), keeping the UTC text as a tooltip.
    await expect(time.getAttribute('title')).resolves.toMatch(/ UTC$/);
    const expected = await page.evaluate((iso) => new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' }).format(new Date(iso)), datetime);
    await expect(time.textContent()).resolves.toBe(expected);
    expect(expected).toContain('GMT+8');
    await expect(overflowing(page)).resolves.toEqual([]);
    await browser.screenshot(page, 'console-audit-375-en');
  });
});

test('filtering by a username finds the account\'s events recorded by sub', async () => {
  // Opened before signing in: the filter survives the console's sign-in.
  const page = await consoleAt(`/audit?user=${ALICE.username}`, { javaScriptEnabled: false });
  expect(new URL(page.url()).search).toBe(`?user=${ALICE.username}`);
  await expect(page.getByLabel('User').inputValue()).resolves.toBe(ALICE.username);
  const users = await page.locator('tbody tr td:nth-child(6)').allTextContents();
  expect(users.length).toBeGreaterThan(0);
  for (const user of users) expect([ALICE.username, `${ALICE.username}${ALICE.sub}`]).toContain(user);
  expect(users).toContain(`${ALICE.username}${ALICE.sub}`);
});

describe('every console page at 375 px', () => {
  test.each(['/clients', '/users', '/scopes', '/settings', '/migration'])('%s fits (wide tables scroll inside themselves)', async (path) => {
    const page = await consoleAt(path, { locale: 'zh-CN' });
    await expect(overflowing(page)).resolves.toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await browser.screenshot(page, `console${path.replace('/', '-')}-375-zh-CN`);
  });
});
