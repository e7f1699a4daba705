import { describe, expect, test } from '@jest/globals';
import {
  chooseLanguage,
  LANGUAGE_COOKIE,
  negotiateLocale,
  parseAcceptLanguage,
  SUPPORTED_LOCALES,
} from '../../src/pages/locale.js';

describe('SUPPORTED_LOCALES', () => {
  test('English first (the fallback), then Simplified Chinese', () => {
    expect(SUPPORTED_LOCALES).toEqual(['en', 'zh-CN']);
    expect(LANGUAGE_COOKIE).toBe('op_lang');
  });
});

describe('parseAcceptLanguage', () => {
  test('orders by q-value, highest first; no q means 1', () => {
    expect(parseAcceptLanguage('fr;q=0.5, en-US, zh-CN;q=0.8')).toEqual(['en-US', 'zh-CN', 'fr']);
    expect(parseAcceptLanguage('da, en-GB;q=0.8, en;q=0.7')).toEqual(['da', 'en-GB', 'en']);
  });

  test('equal q-values keep their order in the header', () => {
    expect(parseAcceptLanguage('a;q=0.5, b;q=0.5, c, d;q=0.5')).toEqual(['c', 'a', 'b', 'd']);
    expect(parseAcceptLanguage('zh-CN, en, fr')).toEqual(['zh-CN', 'en', 'fr']);
  });

  test('q=0 means "not acceptable" and is dropped', () => {
    expect(parseAcceptLanguage('en;q=0, fr')).toEqual(['fr']);
    expect(parseAcceptLanguage('en;q=0.0, zh;q=0.000')).toEqual([]);
  });

  test('spaces around tags and parameters are tolerated', () => {
    expect(parseAcceptLanguage('  en ;  q=0.3 ,zh-CN ; q=0.9  ')).toEqual(['zh-CN', 'en']);
  });

  test('other parameters beside q are skipped', () => {
    expect(parseAcceptLanguage('en;level=1;q=0.3, fr;q=0.4')).toEqual(['fr', 'en']);
  });

  test('garbage is tolerated: empty parts, bare parameters and unreadable q-values are dropped', () => {
    expect(parseAcceptLanguage('')).toEqual([]);
    expect(parseAcceptLanguage(',,,')).toEqual([]);
    expect(parseAcceptLanguage(';q=1, , en')).toEqual(['en']);
    expect(parseAcceptLanguage('en;q=abc, fr;q=, de;q=Infinity, it')).toEqual(['it']);
  });

  test('the wildcard is kept as a tag (matching skips it)', () => {
    expect(parseAcceptLanguage('*;q=0.1, zh')).toEqual(['zh', '*']);
  });
});

describe('negotiateLocale', () => {
  test('English without any hint', () => {
    expect(negotiateLocale(undefined, undefined)).toBe('en');
    expect(negotiateLocale('', '')).toBe('en');
  });

  test('ui_locales comes before Accept-Language', () => {
    expect(negotiateLocale('zh-CN', 'en')).toBe('zh-CN');
    expect(negotiateLocale('en', 'zh-CN')).toBe('en');
  });

  test('the first supported tag of ui_locales wins', () => {
    expect(negotiateLocale('fr zh en', undefined)).toBe('zh-CN');
    expect(negotiateLocale('de en zh-CN', 'zh-CN')).toBe('en');
    expect(negotiateLocale('  zh-CN  ', undefined)).toBe('zh-CN');
  });

  test('Accept-Language by q-value when ui_locales has nothing supported', () => {
    expect(negotiateLocale(undefined, 'en;q=0.5, zh-CN;q=0.9')).toBe('zh-CN');
    expect(negotiateLocale('fr de', 'fr-FR, zh;q=0.4, en;q=0.3')).toBe('zh-CN');
    expect(negotiateLocale(undefined, 'zh-CN;q=0, en;q=0.1')).toBe('en');
  });

  test.each(['zh', 'zh-Hans', 'zh-TW', 'ZH-cn', 'zh-SG', 'zh-Hans-CN', 'zh-cn'])('%s reads Simplified Chinese', (tag) => {
    expect(negotiateLocale(tag, undefined)).toBe('zh-CN');
    expect(negotiateLocale(undefined, tag)).toBe('zh-CN');
  });

  test.each(['en', 'EN', 'en-US', 'en-GB', 'en-Latn-US'])('%s reads English', (tag) => {
    expect(negotiateLocale(tag, 'zh-CN')).toBe('en');
  });

  test('an unsupported language falls through to the next tag, or to English', () => {
    expect(negotiateLocale('fr', 'zh-CN')).toBe('zh-CN');
    expect(negotiateLocale('fr zh', undefined)).toBe('zh-CN');
    expect(negotiateLocale('fr', 'fr-FR, de;q=0.9')).toBe('en');
    expect(negotiateLocale(undefined, 'fr, zh;q=0.5')).toBe('zh-CN');
    expect(negotiateLocale('fr', undefined)).toBe('en');
  });

  test('the wildcard matches nothing in particular', () => {
    expect(negotiateLocale(undefined, '*')).toBe('en');
    expect(negotiateLocale(undefined, '*, zh;q=0.5')).toBe('zh-CN');
  });

  test.each<[string, unknown]>([
    ['an array', ['zh-CN']],
    ['a number', 42],
    ['null', null],
    ['an object', { 'zh-CN': true }],
  ])('ui_locales that is %s is ignored', (_what, uiLocales) => {
    expect(negotiateLocale(uiLocales, undefined)).toBe('en');
    expect(negotiateLocale(uiLocales, 'zh')).toBe('zh-CN');
  });

  test('only the languages given as supported', () => {
    expect(negotiateLocale('zh', undefined, ['en'])).toBe('en');
    expect(negotiateLocale('en', undefined, ['zh-CN'])).toBe('zh-CN');
    expect(negotiateLocale('zh', undefined, [])).toBe('en');
  });
});

describe('chooseLanguage', () => {
  test('nothing given: English', () => {
    expect(chooseLanguage({})).toBe('en');
  });

  test('picked beats the cookie, ui_locales and Accept-Language', () => {
    expect(chooseLanguage({ picked: 'zh-CN', cookie: 'en', uiLocales: 'en', acceptLanguage: 'en' })).toBe('zh-CN');
    expect(chooseLanguage({ picked: 'en', cookie: 'zh-CN', uiLocales: 'zh-CN', acceptLanguage: 'zh-CN' })).toBe('en');
  });

  test('the cookie beats ui_locales and Accept-Language', () => {
    expect(chooseLanguage({ cookie: 'zh-CN', uiLocales: 'en', acceptLanguage: 'en' })).toBe('zh-CN');
    expect(chooseLanguage({ cookie: 'en', uiLocales: 'zh-CN', acceptLanguage: 'zh-CN' })).toBe('en');
  });

  test('ui_locales beats Accept-Language', () => {
    expect(chooseLanguage({ uiLocales: 'zh-CN', acceptLanguage: 'en' })).toBe('zh-CN');
    expect(chooseLanguage({ uiLocales: 'en', acceptLanguage: 'zh-CN' })).toBe('en');
  });

  test('Accept-Language last', () => {
    expect(chooseLanguage({ acceptLanguage: 'zh-TW, en;q=0.5' })).toBe('zh-CN');
    expect(chooseLanguage({ acceptLanguage: 'fr' })).toBe('en');
  });

  test('picked and cookie match a supported tag case-insensitively', () => {
    expect(chooseLanguage({ picked: 'ZH-cn' })).toBe('zh-CN');
    expect(chooseLanguage({ cookie: 'EN', acceptLanguage: 'zh' })).toBe('en');
  });

  test.each<[string, unknown]>([
    ['an unsupported language', 'fr'],
    ['a primary tag only (exact tags only from the switch)', 'zh'],
    ['empty', ''],
    ['an array (?lang=a&lang=b)', ['zh-CN', 'en']],
    ['a number', 1],
  ])('a picked value that is %s is ignored', (_what, picked) => {
    expect(chooseLanguage({ picked, cookie: 'zh-CN', uiLocales: 'en' })).toBe('zh-CN');
    expect(chooseLanguage({ picked, uiLocales: 'zh-CN', acceptLanguage: 'en' })).toBe('zh-CN');
    expect(chooseLanguage({ picked })).toBe('en');
  });

  test.each<[string, unknown]>([
    ['an unsupported language', 'de'],
    ['a primary tag only', 'zh'],
    ['empty', ''],
    ['tampered', 'zh-CN; Path=/'],
  ])('a cookie that is %s is ignored', (_what, cookie) => {
    expect(chooseLanguage({ cookie, uiLocales: 'zh-CN', acceptLanguage: 'en' })).toBe('zh-CN');
    expect(chooseLanguage({ cookie, acceptLanguage: 'zh' })).toBe('zh-CN');
    expect(chooseLanguage({ cookie })).toBe('en');
  });

  test('unsupported picked and cookie both ignored: ui_locales decides', () => {
    expect(chooseLanguage({ picked: 'fr', cookie: 'de', uiLocales: 'zh', acceptLanguage: 'en' })).toBe('zh-CN');
  });
});

describe('Accept-Language edge cases', () => {
  test('the q parameter is case-insensitive', () => {
    expect(parseAcceptLanguage('en;Q=0.1, zh')).toEqual(['zh', 'en']);
  });

  test('a qvalue above 1 is malformed and ignored', () => {
    expect(parseAcceptLanguage('zh;q=2, en;q=0.5')).toEqual(['en']);
  });
});
