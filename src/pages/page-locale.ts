/** The language of one request's page, and the language switch's links; the choice is kept in a cookie. */
import type { Context } from 'koa';
import type { Locale } from './i18n.js';
import { chooseLanguage, LANGUAGE_COOKIE, SUPPORTED_LOCALES, type LocaleTag } from './locale.js';
import type { LanguageLink, Views } from './views.js';

const YEAR_MS = 365 * 24 * 3600 * 1000;

export function requestLocale(ctx: Context, views: Views, uiLocales?: unknown): Locale {
  const picked = ctx.query.lang;
  const lang = chooseLanguage({
    picked,
    cookie: ctx.cookies.get(LANGUAGE_COOKIE, { signed: false }),
    uiLocales,
    acceptLanguage: ctx.get('accept-language'),
  });
  if (typeof picked === 'string' && picked.toLowerCase() === lang.toLowerCase()) {
    ctx.cookies.set(LANGUAGE_COOKIE, lang, { signed: false, httpOnly: true, sameSite: 'lax', maxAge: YEAR_MS, secure: ctx.secure });
  }
  return views.locale(lang);
}

/** Links that reload `path` in each language; labels are each language's own name for itself. */
export function languageLinks(views: Views, path: string, current: LocaleTag): LanguageLink[] {
  return SUPPORTED_LOCALES.map((lang) => ({
    lang,
    label: views.locale(lang).t(`language.${lang}`),
    href: `${path}?lang=${encodeURIComponent(lang)}`,
    current: lang === current,
  }));
}
