import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../../src/pages/locale.js';
import { VIEWS_DIR } from '../../src/pages/views.js';
import { scopeConfigSchema } from '../../src/config/scope-schema.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC_DIR = join(ROOT, 'src');

const readLocale = (lang: string) => JSON.parse(readFileSync(join(VIEWS_DIR, 'locales', `${lang}.json`), 'utf8')) as Record<string, unknown>;
const en = readLocale('en');
const zh = readLocale('zh-CN');
const locales = { en, 'zh-CN': zh };

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();
// t('key') and locale.t('key', { ... }): the key is the first argument either way.
const keysIn = (text: string) => [...text.matchAll(/\bt\('([^']+)'/g)].map((m) => m[1] as string);

const pugFiles = readdirSync(VIEWS_DIR).filter((f) => f.endsWith('.pug'));
const tsFiles = readdirSync(SRC_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
const tsSource = (f: string) => readFileSync(join(SRC_DIR, f), 'utf8');

describe('en.json and zh-CN.json', () => {
  test('there is a locale file for every supported language, and only those', () => {
    expect(SUPPORTED_LOCALES).toEqual(['en', 'zh-CN']);
    expect(readdirSync(join(VIEWS_DIR, 'locales')).sort()).toEqual(['en.json', 'zh-CN.json']);
  });

  test('have exactly the same keys', () => {
    expect(Object.keys(en).length).toBeGreaterThanOrEqual(60);
    expect(Object.keys(zh).filter((key) => !(key in en))).toEqual([]);
    expect(Object.keys(en).filter((key) => !(key in zh))).toEqual([]);
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  test.each(Object.entries(locales))('%s holds non-empty strings only', (_lang, strings) => {
    const bad = Object.entries(strings).filter(([, value]) => typeof value !== 'string' || value.trim() === '');
    expect(bad).toEqual([]);
  });

  test('every key has the same {placeholder} names in both languages', () => {
    const mismatched = Object.keys(en).filter(
      (key) => JSON.stringify(placeholders(String(en[key]))) !== JSON.stringify(placeholders(String(zh[key] ?? ''))),
    );
    expect(mismatched).toEqual([]);
    // The check has something to compare: the placeholders the pages rely on.
    expect(placeholders(String(en['consent.lead']))).toEqual(['client', 'user']);
    expect(placeholders(String(zh['consent.lead']))).toEqual(['client', 'user']);
    expect(placeholders(String(zh['login.throttled']))).toEqual(['wait']);
  });

  test('zh-CN is a translation, not a copy: the page strings differ from English', () => {
    expect(zh['login.title']).toBe('登录');
    const copied = ['login.title', 'login.username', 'login.password', 'consent.allow', 'consent.deny', 'common.cancel'].filter(
      (key) => zh[key] === en[key],
    );
    expect(copied).toEqual([]);
  });
});

describe('keys used in code exist in every locale', () => {
  const missingFrom = (used: Iterable<string>) =>
    Object.fromEntries(Object.entries(locales).map(([lang, strings]) => [lang, [...used].filter((key) => !(key in strings))]));
  const none = { en: [], 'zh-CN': [] };

  test('every t(…) key in views/*.pug', () => {
    expect(pugFiles).toEqual(expect.arrayContaining(['layout.pug', 'login.pug', 'consent.pug', 'select-account.pug', 'error.pug', 'logout.pug', 'logged-out.pug']));
    const used = new Set(pugFiles.flatMap((f) => keysIn(readFileSync(join(VIEWS_DIR, f), 'utf8'))));
    expect(used.size).toBeGreaterThanOrEqual(20);
    expect(used).toContain('login.username');
    expect(used).toContain('login.lead');
    expect(used).toContain('language.label');
    expect(missingFrom(used)).toEqual(none);
  });

  test('every t(…) key in src/**/*.ts', () => {
    const used = new Set(tsFiles.flatMap((f) => keysIn(tsSource(f))));
    expect(used).toContain('login.title');
    expect(used).toContain('wait.seconds');
    expect(used).toContain('error.unavailable.title');
    expect(missingFrom(used)).toEqual(none);
  });

  test('error page keys passed as { page: { title, message } }', () => {
    const used = new Set(
      tsFiles.flatMap((f) => [...tsSource(f).matchAll(/page: \{ title: '([^']+)', message: '([^']+)' \}/g)].flatMap((m) => [m[1] as string, m[2] as string])),
    );
    expect(used).toContain('error.csrf.message');
    expect(missingFrom(used)).toEqual(none);
  });

  test('language.<tag> for every supported language (the switch labels)', () => {
    expect(missingFrom(SUPPORTED_LOCALES.map((lang) => `language.${lang}`))).toEqual(none);
    expect(en['language.zh-CN']).toBe(zh['language.zh-CN']);
    expect(en['language.en']).toBe(zh['language.en']);
  });
});

describe('config/scopes.json', () => {
  const raw = JSON.parse(readFileSync(join(ROOT, 'config', 'scopes.json'), 'utf8')) as unknown;
  const scopes = z.array(scopeConfigSchema).parse(raw);

  test('the standard scopes, each once', () => {
    expect(scopes.map((s) => s.id)).toEqual(['openid', 'profile', 'email', 'address', 'phone']);
  });

  test('every scope has an en and a zh-CN name and description', () => {
    const incomplete = scopes.filter(
      (s) => typeof s.name === 'string' || typeof s.description === 'string' || !s.name['zh-CN'] || !s.description['zh-CN'] || !s.name.en || !s.description.en,
    );
    expect(incomplete.map((s) => s.id)).toEqual([]);
  });

  test('en and zh-CN texts use the same placeholders, and only {user} and {client_name}', () => {
    for (const scope of scopes) {
      for (const field of [scope.name, scope.description]) {
        if (typeof field === 'string') throw new Error(`scope ${scope.id} is not translated`);
        const enNames = placeholders(field.en);
        expect({ id: scope.id, names: placeholders(field['zh-CN'] ?? '') }).toEqual({ id: scope.id, names: enNames });
        expect(enNames.filter((name) => name !== 'user' && name !== 'client_name')).toEqual([]);
      }
    }
  });

  test('every claim a scope shares has a display name in every locale', () => {
    const claims = scopes.flatMap((s) => s.claims.map((claim) => `claim.${claim}`));
    expect(claims).toContain('claim.email');
    for (const strings of [en, zh]) expect(claims.filter((key) => !(key in strings))).toEqual([]);
  });
});
