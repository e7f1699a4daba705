/** Compiles the pug pages once and renders them with the locale's strings. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pug from 'pug';
import { loadLocale, type Locale, type Translate } from './i18n.js';

export const VIEWS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../views');

const PAGES = ['login', 'consent', 'select-account', 'error', 'logout', 'logged-out'] as const;
export type PageName = (typeof PAGES)[number];

export interface Views {
  t: Translate;
  lookup: Locale['lookup'];
  lang: string;
  render(page: PageName, locals: Record<string, unknown> & { title: string }): string;
  readonly css: string;
}

export function loadViews(viewsDir = VIEWS_DIR, lang = 'en'): Views {
  const { t, lookup } = loadLocale(viewsDir, lang);
  const templates = new Map(PAGES.map((page) => [page, pug.compileFile(join(viewsDir, `${page}.pug`))]));
  return {
    t,
    lookup,
    lang,
    css: readFileSync(join(viewsDir, 'assets', 'app.css'), 'utf8'),
    render: (page, locals) => templates.get(page)!({ ...locals, t, lang }),
  };
}
