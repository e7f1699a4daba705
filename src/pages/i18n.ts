/** Strings come from views/locales/<lang>.json; `{name}` placeholders are filled from the variables given. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalizedText } from '../config/localized-text.js';
import type { LocaleTag } from './locale.js';

type Vars = Record<string, string | number | undefined>;
export type Translate = (key: string, vars?: Vars) => string;

export interface Locale {
  lang: LocaleTag;
  t: Translate;
  /** The string, or undefined when the locale has none. */
  lookup(key: string, vars?: Vars): string | undefined;
  /** A configured text in this language (English when it has no translation), placeholders filled. */
  text(value: LocalizedText, vars?: Vars): string;
}

const fill = (text: string, vars: Vars) => text.replace(/\{(\w+)\}/g, (whole, name: string) => String(vars[name] ?? whole));

export function loadLocale(viewsDir: string, lang: LocaleTag): Locale {
  const strings = JSON.parse(readFileSync(join(viewsDir, 'locales', `${lang}.json`), 'utf8')) as Record<string, string>;
  const lookup = (key: string, vars: Vars = {}) => (strings[key] === undefined ? undefined : fill(strings[key], vars));
  return {
    lang,
    lookup,
    t: (key, vars) => {
      const text = lookup(key, vars);
      if (text === undefined) throw new Error(`locale ${lang}: no string for ${key}`);
      return text;
    },
    text: (value, vars = {}) => fill(typeof value === 'string' ? value : (value[lang] ?? value.en), vars),
  };
}
