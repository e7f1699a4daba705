/**
 * Compiles the pug pages once and renders them in the language and brand of the deployment. The stylesheet
 * carries the brand colour, so pages need no inline style and the CSP stays strict.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pug from 'pug';
import { printable } from '../printable.js';
import type { Branding } from '../config/branding.js';
import { loadLocale, type Locale } from './i18n.js';
import { SUPPORTED_LOCALES, type LocaleTag } from './locale.js';

export const VIEWS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../views');
/** @simplewebauthn/browser's self-contained bundle (a global SimpleWebAuthnBrowser), served from our origin. */
const WEBAUTHN_BUNDLE = join(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js');

const PAGES = ['login', 'consent', 'select-account', 'error', 'logout', 'logged-out', 'landing', 'demo-callback', 'frontchannel-logout', 'account', 'account-security', 'mfa-code', 'mfa-enrol', 'mfa-recovery-codes', 'passkey-sign-in', 'federation-failed'] as const;
/** The administrators' console (src/admin/console), in the same layout, stylesheet and languages. */
const ADMIN_PAGES = ['admin/refused', 'admin/clients', 'admin/client', 'admin/secret', 'admin/users', 'admin/scopes', 'admin/scope', 'admin/keys', 'admin/settings', 'admin/audit', 'admin/migration', 'admin/groups', 'admin/directories', 'admin/directory', 'admin/user-sessions'] as const;
const ALL_PAGES = [...PAGES, ...ADMIN_PAGES];
export type PageName = (typeof ALL_PAGES)[number];

export interface LanguageLink {
  lang: LocaleTag;
  label: string;
  href: string;
  current: boolean;
}

export interface Views {
  locale(lang: LocaleTag): Locale;
  /** `links`: where the language switch points; none on pages that cannot be reloaded with another language. */
  render(page: PageName, locale: Locale, locals: Record<string, unknown> & { title: string }, links?: LanguageLink[]): string;
  css: string;
  logo: { body: Buffer; contentType: string } | undefined;
  /** Scripts from packages, served from our own origin (script-src 'self'): @simplewebauthn/browser's bundle. Our own views/assets/*.js are http/page-scripts.ts's. */
  scripts: Record<string, string>;
}

export function themeCss(primaryColor: string): string {
  return `:root{--primary:${primaryColor}}\n`;
}

export function loadViews(branding: Branding, viewsDir = VIEWS_DIR): Views {
  const locales = new Map(SUPPORTED_LOCALES.map((lang) => [lang, loadLocale(viewsDir, lang)]));
  const templates = new Map(ALL_PAGES.map((page) => [page, pug.compileFile(join(viewsDir, `${page}.pug`))]));
  return {
    locale: (lang) => locales.get(lang) ?? locales.get('en')!,
    render(page, locale, locals, links = []) {
      return templates.get(page)!({
        ...locals,
        t: locale.t,
        lang: locale.lang,
        productName: locale.text(branding.productName),
        hasLogo: !!branding.logo,
        footerLinks: branding.footerLinks.map((link) => ({ label: locale.text(link.label), href: link.href })),
        languageLinks: links,
        // pug escapes HTML; text from outside also needs its control characters shown rather than obeyed or hidden.
        printable: (text: unknown) => printable(text === undefined || text === null ? '' : String(text)),
      });
    },
    css: readFileSync(join(viewsDir, 'assets', 'app.css'), 'utf8') + themeCss(branding.primaryColor),
    logo: branding.logo && { body: readFileSync(branding.logo.file), contentType: branding.logo.contentType },
    scripts: { 'webauthn.js': readFileSync(WEBAUTHN_BUNDLE, 'utf8') },
  };
}
