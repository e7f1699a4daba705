import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocale } from '../../src/pages/i18n.js';
import type { LocaleTag } from '../../src/pages/locale.js';
import { VIEWS_DIR } from '../../src/pages/views.js';

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A views directory whose locales/ holds only the given files. */
function viewsDirWith(files: Partial<Record<LocaleTag, Record<string, string>>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-op-i18n-'));
  tempDirs.push(dir);
  mkdirSync(join(dir, 'locales'));
  for (const [lang, strings] of Object.entries(files)) {
    writeFileSync(join(dir, 'locales', `${lang}.json`), JSON.stringify(strings));
  }
  return dir;
}

describe('loadLocale (en)', () => {
  const locale = loadLocale(VIEWS_DIR, 'en');
  const { t, lookup } = locale;

  test('knows its language', () => {
    expect(locale.lang).toBe('en');
  });

  test('plain strings', () => {
    expect(t('login.username')).toBe('Username');
    expect(t('common.cancel')).toBe('Cancel');
    expect(t('language.en')).toBe('English');
    expect(t('language.zh-CN')).toBe('简体中文');
  });

  test('placeholders are filled', () => {
    expect(t('login.lead', { client: 'My App' })).toBe('to continue to My App');
    expect(t('consent.lead', { client: 'My App', user: 'alice' })).toBe('My App wants to use your account alice for:');
  });

  test('a number fills a placeholder', () => {
    expect(t('select.continue', { user: 42 })).toBe('Continue as 42');
    expect(t('wait.seconds', { n: 7 })).toBe('7 seconds');
  });

  test('a missing variable leaves its placeholder', () => {
    expect(t('login.lead')).toBe('to continue to {client}');
    expect(t('login.lead', { client: undefined })).toBe('to continue to {client}');
  });

  test('values are inserted once, not expanded again', () => {
    expect(t('consent.lead', { client: '{user}', user: 'bob' })).toBe('{user} wants to use your account bob for:');
  });

  test('values are not HTML-escaped here (the templates escape)', () => {
    expect(t('login.lead', { client: '<b>x</b>' })).toBe('to continue to <b>x</b>');
  });

  test('t throws for an unknown key, naming the locale and key', () => {
    expect(() => t('no.such.key')).toThrow('locale en: no string for no.such.key');
  });

  test('lookup gives the string, or undefined for an unknown key', () => {
    expect(lookup('claim.unknown')).toBeUndefined();
    expect(lookup('claim.email')).toBe('email address');
    expect(lookup('login.lead', { client: 'App' })).toBe('to continue to App');
  });
});

describe('loadLocale (zh-CN)', () => {
  const locale = loadLocale(VIEWS_DIR, 'zh-CN');

  test('reads views/locales/zh-CN.json', () => {
    expect(locale.lang).toBe('zh-CN');
    expect(locale.t('login.title')).toBe('登录');
    expect(locale.t('login.lead', { client: 'My App' })).toBe('以继续访问 My App');
    expect(locale.t('consent.lead', { client: 'My App', user: 'alice' })).toBe('My App 请求使用您的账户 alice 访问以下内容：');
    expect(locale.lookup('claim.email')).toBe('电子邮箱地址');
  });

  test('t throws for an unknown key, naming the locale', () => {
    expect(() => locale.t('no.such.key')).toThrow('locale zh-CN: no string for no.such.key');
  });
});

describe('loadLocale from another views directory', () => {
  test('reads <viewsDir>/locales/<lang>.json', () => {
    const dir = viewsDirWith({ 'zh-CN': { 'login.lead': '继续 {client}' } });
    expect(loadLocale(dir, 'zh-CN').t('login.lead', { client: 'App' })).toBe('继续 App');
  });

  test('a missing key names the locale', () => {
    const dir = viewsDirWith({ en: {} });
    expect(() => loadLocale(dir, 'en').t('login.title')).toThrow('locale en: no string for login.title');
    expect(loadLocale(dir, 'en').lookup('login.title')).toBeUndefined();
  });

  test('a missing locale file fails at load', () => {
    const dir = viewsDirWith({ en: { 'login.title': 'Sign in' } });
    expect(() => loadLocale(dir, 'zh-CN')).toThrow(/ENOENT/);
  });

  test('an empty string is a string, not a missing one', () => {
    const dir = viewsDirWith({ en: { blank: '' } });
    expect(loadLocale(dir, 'en').lookup('blank')).toBe('');
    expect(loadLocale(dir, 'en').t('blank')).toBe('');
  });
});

describe('Locale.text (configured texts)', () => {
  const en = loadLocale(VIEWS_DIR, 'en');
  const zh = loadLocale(VIEWS_DIR, 'zh-CN');
  const vars = { user: 'alice', client_name: 'My App' };

  test('a plain string is the same in every language, placeholders filled', () => {
    expect(en.text('Hello {user}, {client_name} is asking', vars)).toBe('Hello alice, My App is asking');
    expect(zh.text('Hello {user}, {client_name} is asking', vars)).toBe('Hello alice, My App is asking');
    expect(en.text('Sign-in')).toBe('Sign-in');
  });

  test('a per-language text picks the page language', () => {
    const value = { en: 'Lets {client_name} know it is you, {user}.', 'zh-CN': '让 {client_name} 识别出您（{user}）。' };
    expect(en.text(value, vars)).toBe('Lets My App know it is you, alice.');
    expect(zh.text(value, vars)).toBe('让 My App 识别出您（alice）。');
  });

  test('falls back to English when the text has no zh-CN', () => {
    expect(zh.text({ en: 'Only for {user}' }, vars)).toBe('Only for alice');
    expect(en.text({ en: 'Only for {user}' }, vars)).toBe('Only for alice');
  });

  test('unknown or missing placeholders stay as written', () => {
    expect(en.text('{user} and {other}', { user: 'bob' })).toBe('bob and {other}');
    expect(zh.text({ en: '{user}', 'zh-CN': '{user}（中文）' })).toBe('{user}（中文）');
  });

  test('values are inserted once, not expanded again', () => {
    expect(en.text('{user} / {client_name}', { user: '{client_name}', client_name: 'X' })).toBe('{client_name} / X');
  });
});
