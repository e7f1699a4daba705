/**
 * The build context as Docker sends it: the project directory minus what .dockerignore excludes. A pattern
 * excludes the path it matches and everything below it (`*` and `?` stay within one path segment, `**` crosses
 * them). Exceptions (`!pattern`) are not understood and are an error rather than being ignored.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BuildContext {
  root: string;
  /** Whether a path relative to the context root (posix separators) is left out of the context. */
  excluded(relative: string): boolean;
}

function patternRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/^\/+|\/+$/g, '')
    .split(/(\*\*|\*|\?)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}(/.*)?$`);
}

export function buildContext(root: string): BuildContext {
  const file = join(root, '.dockerignore');
  const patterns = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'))
    : [];
  const exception = patterns.find((p) => p.startsWith('!'));
  if (exception) throw new Error(`.dockerignore: exceptions are not understood by the rehearsal: ${exception}`);
  const regexps = patterns.map(patternRegExp);
  return { root, excluded: (relative) => regexps.some((r) => r.test(relative.replace(/^\.\/+/, ''))) };
}
