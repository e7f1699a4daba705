/** The login, consent and error pages in a real browser: flows, keyboard, no JavaScript, phones, languages, screenshots. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { ALICE, BOB, useProvider } from '../support/provider.js';
import { useBrowser } from '../support/browser.js';
import { useCallbackSink } from '../support/callback-sink.js';

const fixture = useProvider({ PROXY: 'true' });
const browser = useBrowser();
const sink = useCallbackSink();
let clientId = '';

beforeAll(async () => {
  const created = await fixture.op.stores.clients.create({
    name: 'Photo Album',
    redirectUris: [`${sink.origin}/cb`],
    responseTypes: ['id_token token', 'id_token'],
    clientUri: 'https://photos.example.test/',
    logoUri: `${sink.origin}/logo.png`,
    policyUri: 'https://photos.example.test/privacy',
    tosUri: 'https://photos.example.test/terms',
  });
  clientId = created.client_id;
});

function authUrl(params: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    client_id: clientId,
    response_type: 'id_token token',
    scope: 'openid profile email',
    redirect_uri: `${sink.origin}/cb`,
    nonce: `n-${Math.random().toString(36).slice(2)}`,
    state: 'browser-state',
    // A consent is remembered per account: asking every time shows the consent page to each test's fresh browser.
    prompt: 'consent',
    ...params,
  });
  return `${fixture.op.issuer}/auth?${query}`;
}

async function login(page: Page, username: string, password: string) {
  await page.getByLabel(/Username|用户名/).fill(username);
  await page.getByLabel(/^Password$|^密码$/).fill(password);
  await page.getByRole('button', { name: /^Sign in$|^登录$/ }).click();
}

const fragment = (page: Page) => new URLSearchParams(new URL(page.url()).hash.slice(1));

describe('flows', () => {
  test.each(['id_token token', 'id_token'])('login and consent for response_type=%s end at the redirect_uri with tokens', async (responseType) => {
    const page = await browser.page();
    await page.goto(authUrl({ response_type: responseType }));
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await login(page, ALICE.username, ALICE.password);
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${sink.origin}/cb#*`);
    const params = fragment(page);
    expect(params.get('state')).toBe('browser-state');
    expect(params.has('id_token')).toBe(true);
    expect(params.has('access_token')).toBe(responseType === 'id_token token');
  });

  test('deny ends at the redirect_uri with access_denied', async () => {
    const page = await browser.page();
    await page.goto(authUrl());
    await login(page, BOB.username, BOB.password);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL(`${sink.origin}/cb#*`);
    expect(fragment(page).get('error')).toBe('access_denied');
  });

  test('a wrong password, then the right one: the error is announced next to the fields', async () => {
    const page = await browser.page();
    await page.goto(authUrl());
    await login(page, ALICE.username, 'not it');
    const alert = page.getByRole('alert');
    await expect(alert.textContent()).resolves.toBe('The username or password is incorrect.');
    await expect(page.getByLabel('Password').getAttribute('aria-describedby')).resolves.toBe('form-error');
    await expect(page.getByLabel('Username').inputValue()).resolves.toBe('alice');
    await login(page, ALICE.username, ALICE.password);
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
  });

  test('keyboard only: tab through the form, Enter signs in, focus is visible', async () => {
    const page = await browser.page();
    await page.goto(authUrl());
    // Chromium moves focus to an autofocus field at its next rendering update, which may come after the load event.
    await page.waitForFunction(() => document.activeElement?.id === 'username');
    await page.keyboard.type(ALICE.username);
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('password');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
    await page.keyboard.type(ALICE.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    // Tab reaches Allow; Enter confirms.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Allow') break;
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(`${sink.origin}/cb#*`);
    expect(fragment(page).has('access_token')).toBe(true);
  });

  test('works with JavaScript turned off', async () => {
    const page = await browser.page({ javaScriptEnabled: false });
    await page.goto(authUrl());
    await login(page, ALICE.username, ALICE.password);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${sink.origin}/cb#*`);
    expect(fragment(page).has('id_token')).toBe(true);
  });

  test('throttled attempts get the page saying when to try again', async () => {
    const page = await browser.page({ extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.9' } });
    await page.goto(authUrl());
    for (let i = 0; i < 5; i++) await login(page, 'mallory-target', `guess ${i}`);
    const response = page.waitForResponse((r) => r.url().endsWith('/login'));
    await login(page, 'mallory-target', 'guess 6');
    expect((await response).status()).toBe(429);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Too many failed sign-in attempts\. Try again in \d+ seconds\./);
    await browser.screenshot(page, 'login-throttled-en');
  });
});

describe('languages and looks', () => {
  test('the language switch turns the page into Simplified Chinese and back', async () => {
    const page = await browser.page({ locale: 'en-US' });
    await page.goto(authUrl());
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await page.getByRole('link', { name: '简体中文' }).click();
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    await login(page, ALICE.username, ALICE.password);
    await page.getByRole('heading', { name: '是否允许访问？' }).waitFor();
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
  });

  test.each([
    ['en', 'en-US'],
    ['zh-CN', 'zh-CN'],
  ])('screenshots of the login, consent and error pages in %s', async (lang, locale) => {
    const page = await browser.page({ locale });
    await page.goto(authUrl());
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe(lang);
    await browser.screenshot(page, `login-${lang}`);
    await login(page, ALICE.username, ALICE.password);
    await page.locator('form[action$="/confirm"]').waitFor();
    await browser.screenshot(page, `consent-${lang}`);
    await page.goto(authUrl({ redirect_uri: 'https://evil.example/cb' }));
    await expect(page.locator('h1').textContent()).resolves.toBe(lang === 'en' ? 'Something went wrong' : '出现了问题');
    await browser.screenshot(page, `error-${lang}`);
  });

  test('on a phone the page fits the screen without sideways scrolling', async () => {
    const page = await browser.page({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await page.goto(authUrl());
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    expect(scroll).toBeLessThanOrEqual(width);
    await browser.screenshot(page, 'login-phone-en');
  });

  test('text and buttons meet WCAG AA contrast', async () => {
    const page = await browser.page();
    await page.goto(authUrl());
    const ratios = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: string) => {
        const [r, g, b] = rgb(c).map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const ratio = (a: string, b: string) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x! + 0.05) / (y! + 0.05);
      };
      const card = getComputedStyle(document.querySelector('.card')!).backgroundColor;
      const check = (selector: string, background?: string) => {
        const style = getComputedStyle(document.querySelector(selector)!);
        return ratio(style.color, background ?? style.backgroundColor);
      };
      return { lead: check('.lead', card), label: check('label', card), primary: check('button.primary'), link: check('button.link', card) };
    });
    for (const value of Object.values(ratios)) expect(value).toBeGreaterThanOrEqual(4.5);
  });

  test('the pages load nothing from another origin, the client logo included', async () => {
    const page = await browser.page();
    const origins = new Set<string>();
    page.on('request', (request) => origins.add(new URL(request.url()).origin));
    await page.goto(authUrl());
    await login(page, ALICE.username, ALICE.password);
    await page.locator('form[action$="/confirm"]').waitFor();
    const logo = page.locator('img.avatar');
    await expect(logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).resolves.toBe(1);
    expect([...origins]).toEqual([fixture.op.issuer]);
  });
});
