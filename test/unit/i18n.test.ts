import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocale } from '../../src/interactions/i18n.js';
import { VIEWS_DIR } from '../../src/interactions/views.js';

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function viewsDirWith(lang: string, strings: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-op-i18n-'));
  tempDirs.push(dir);
  mkdirSync(join(dir, 'locales'));
  writeFileSync(join(dir, 'locales', `${lang}.json`), JSON.stringify(strings));
  return dir;
}

describe('loadLocale (en)', () => {
  const { t, lookup } = loadLocale(VIEWS_DIR, 'en');

  test('plain strings', () => {
    expect(t('product')).toBe('Sign-in');
    expect(t('login.username')).toBe('Username');
    expect(t('common.cancel')).toBe('Cancel');
  });

  test('placeholders are filled', () => {
    expect(t('login.lead', { client: 'My App' })).toBe('to continue to My App');
    expect(t('consent.lead', { client: 'My App', user: 'alice' })).toBe('My App asks to use your account alice for:');
  });

  test('a number fills a placeholder', () => {
    expect(t('select.continue', { user: 42 })).toBe('Continue as 42');
  });

  test('a missing variable leaves its placeholder', () => {
    expect(t('login.lead')).toBe('to continue to {client}');
    expect(t('login.lead', { client: undefined })).toBe('to continue to {client}');
  });

  test('values are inserted once, not expanded again', () => {
    expect(t('consent.lead', { client: '{user}', user: 'bob' })).toBe('{user} asks to use your account bob for:');
  });

  test('values are not HTML-escaped here (the templates escape)', () => {
    expect(t('login.lead', { client: '<b>x</b>' })).toBe('to continue to <b>x</b>');
  });

  test('t throws for an unknown key, naming the locale and key', () => {
    expect(() => t('no.such.key')).toThrow('locale en: no string for no.such.key');
  });

  test('lookup gives undefined for an unknown key', () => {
    expect(lookup('scope.unknown.name')).toBeUndefined();
    expect(lookup('scope.email.name')).toBe('Email address');
    expect(lookup('scope.openid.description', { user: 'alice' })).toBe('Know who you are: a stable identifier for alice.');
  });

  test('every standard scope has a name and a description', () => {
    for (const scope of ['openid', 'profile', 'email', 'address', 'phone']) {
      expect(typeof lookup(`scope.${scope}.name`)).toBe('string');
      expect(typeof lookup(`scope.${scope}.description`)).toBe('string');
    }
  });
});

describe('loadLocale (other locales)', () => {
  test('reads views/locales/<lang>.json', () => {
    const dir = viewsDirWith('fr', { 'login.lead': 'pour continuer vers {client}' });
    expect(loadLocale(dir, 'fr').t('login.lead', { client: 'App' })).toBe('pour continuer vers App');
  });

  test('a missing key names the locale', () => {
    const dir = viewsDirWith('de', {});
    expect(() => loadLocale(dir, 'de').t('product')).toThrow('locale de: no string for product');
  });

  test('a missing locale file fails at load', () => {
    expect(() => loadLocale(VIEWS_DIR, 'xx')).toThrow(/ENOENT/);
  });
});
