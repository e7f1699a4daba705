/** Strings come from views/locales/<lang>.json; `{name}` placeholders are filled from the variables given. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Vars = Record<string, string | number | undefined>;
export type Translate = (key: string, vars?: Vars) => string;

export interface Locale {
  t: Translate;
  /** The string, or undefined when the locale has none (a scope without a display text, say). */
  lookup(key: string, vars?: Vars): string | undefined;
}

export function loadLocale(viewsDir: string, lang: string): Locale {
  const strings = JSON.parse(readFileSync(join(viewsDir, 'locales', `${lang}.json`), 'utf8')) as Record<string, string>;
  const lookup = (key: string, vars: Vars = {}) =>
    strings[key]?.replace(/\{(\w+)\}/g, (whole, name: string) => String(vars[name] ?? whole));
  return {
    lookup,
    t: (key, vars) => {
      const text = lookup(key, vars);
      if (text === undefined) throw new Error(`locale ${lang}: no string for ${key}`);
      return text;
    },
  };
}
