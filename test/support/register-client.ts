/**
 * Registers a client as the guide tells an administrator to: the `oidc-op client create … --json` command of an
 * example's register.sh, run on the test's Redis, with the example's origin put in for $APP.
 */
import { readFile } from 'node:fs/promises';
import type { ProviderFixture } from './provider.js';
import { FAST_ARGON2 } from './provider.js';
import { jsonOf, runCli } from './cli.js';

/** The text between `#region NAME` and `#endregion NAME` lines of a file, those lines left out. */
export function regionOf(text: string, name: string): string | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => new RegExp(`#region ${name}\\b`).test(l));
  const end = lines.findIndex((l, i) => i > start && new RegExp(`#endregion ${name}\\b`).test(l));
  if (start < 0 || end < 0) return undefined;
  return lines.slice(start + 1, end).map((l) => `${l}\n`).join('');
}

/** Splits one shell command line (backslash-newline continuations, double quotes, $NAME and ${NAME}) into words. */
export function shellWords(command: string, vars: Record<string, string>): string[] {
  const text = command.replace(/\\\n/g, ' ').trim();
  const expand = (s: string) =>
    s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      if (!(name in vars)) throw new Error(`register.sh uses $${name}, which the test does not set`);
      return vars[name]!;
    });
  const words: string[] = [];
  for (const [, quoted, bare] of text.matchAll(/"((?:[^"\\]|\\.)*)"|([^\s"]+)/g)) {
    words.push(expand(quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare!));
  }
  return words;
}

/** The arguments after `npx oidc-op` in the `register` region of an example's register.sh. */
export async function registrationArgs(script: string, vars: Record<string, string>): Promise<string[]> {
  const region = regionOf(await readFile(script, 'utf8'), 'register');
  if (!region) throw new Error(`${script} has no #region register`);
  const words = shellWords(region.split('\n').filter((l) => !l.startsWith('#')).join('\n'), vars);
  if (words[0] !== 'npx' || words[1] !== 'oidc-op') throw new Error(`${script}: the command should start with npx oidc-op`);
  return words.slice(2);
}

export async function registerClient(fixture: ProviderFixture, args: string[]): Promise<{ client_id: string; client_secret?: string }> {
  const env = { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test', ...FAST_ARGON2 };
  const result = await runCli(args, env);
  if (result.code !== 0) throw new Error(`oidc-op ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  const created = jsonOf(result);
  return { client_id: String(created.client_id), ...(created.client_secret ? { client_secret: String(created.client_secret) } : {}) };
}
