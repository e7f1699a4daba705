/**
 * Which of our languages a page speaks: the first supported tag of ui_locales (OIDC Core 3.1.2.1), else the
 * best of Accept-Language by q-value, else the first supported. A tag matches exactly (case-insensitively) or
 * by its primary language: zh, zh-Hans, zh-SG and zh-TW all read Simplified Chinese rather than English.
 */
import { UI_LOCALES } from '../oidc/ui-locales.js';

export const SUPPORTED_LOCALES = UI_LOCALES;
export type LocaleTag = (typeof SUPPORTED_LOCALES)[number];

function match(tag: string, supported: readonly LocaleTag[]): LocaleTag | undefined {
  const wanted = tag.trim().toLowerCase();
  if (!wanted || wanted === '*') return undefined;
  const exact = supported.find((s) => s.toLowerCase() === wanted);
  if (exact) return exact;
  const primary = wanted.split('-')[0];
  return supported.find((s) => s.toLowerCase().split('-')[0] === primary);
}

export function parseAcceptLanguage(header: string): string[] {
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => /^q=/i.test(p));
      const weight = q ? Number(q.slice(2)) : 1;
      // RFC 9110 12.4.2: a qvalue lies between 0 and 1; anything else is malformed and ignored.
      return { tag: tag.trim(), weight: Number.isFinite(weight) && weight <= 1 ? weight : 0, index };
    })
    .filter((e) => e.tag && e.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((e) => e.tag);
}

export function negotiateLocale(
  uiLocales: unknown,
  acceptLanguage: string | undefined,
  supported: readonly LocaleTag[] = SUPPORTED_LOCALES,
): LocaleTag {
  const requested = typeof uiLocales === 'string' ? uiLocales.split(/\s+/) : [];
  for (const tag of [...requested, ...parseAcceptLanguage(acceptLanguage ?? '')]) {
    const found = match(tag, supported);
    if (found) return found;
  }
  return supported[0] ?? 'en';
}

export const LANGUAGE_COOKIE = 'op_lang';

const supportedTag = (value: unknown): LocaleTag | undefined =>
  SUPPORTED_LOCALES.find((tag) => typeof value === 'string' && tag.toLowerCase() === value.toLowerCase());

/**
 * The page language: a language the user picked with the switch (now, or earlier: the cookie) beats what
 * the application asked for (ui_locales), which beats the browser's Accept-Language.
 */
export function chooseLanguage(input: { picked?: unknown; cookie?: unknown; uiLocales?: unknown; acceptLanguage?: string }): LocaleTag {
  return supportedTag(input.picked) ?? supportedTag(input.cookie) ?? negotiateLocale(input.uiLocales, input.acceptLanguage);
}
