/** The command line's argument parsing: the options every command shares, and the helpers that read and check their values. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../errors.js';
import { commandIo, forwarded } from './io.js';
import { newPassword } from './prompt.js';

/** A mistake in how the command was called: exit 2, and the command's synopsis follows the message. */
export class UsageError extends AppError {
  constructor(message: string) {
    super('usage', message);
  }
}

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  name: { type: 'string' },
  description: { type: 'string' },
  'grant-type': { type: 'string', multiple: true },
  scope: { type: 'string', multiple: true },
  'access-token-ttl': { type: 'string' },
  'id-token-ttl': { type: 'string' },
  'id-token-signed-response-alg': { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  'post-logout-redirect-uri': { type: 'string', multiple: true },
  'response-type': { type: 'string', multiple: true },
  'auth-method': { type: 'string' },
  'logo-uri': { type: 'string' },
  'client-uri': { type: 'string' },
  'policy-uri': { type: 'string' },
  'tos-uri': { type: 'string' },
  'first-party': { type: 'boolean' },
  'backchannel-logout-uri': { type: 'string' },
  'frontchannel-logout-uri': { type: 'string' },
  'always-select-account': { type: 'boolean' },
  'require-mfa': { type: 'boolean' },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  email: { type: 'string' },
  claim: { type: 'string', multiple: true },
  role: { type: 'string' },
  limit: { type: 'string' },
  icon: { type: 'string' },
  default: { type: 'boolean' },
  'lead-time': { type: 'string' },
  'expires-in': { type: 'string' },
  user: { type: 'string' },
  client: { type: 'string' },
  replace: { type: 'boolean' },
  group: { type: 'string', multiple: true },
  'groups-filter': { type: 'string', multiple: true },
  'claim-map': { type: 'string', multiple: true },
  offset: { type: 'string' },
  display: { type: 'string', multiple: true },
  url: { type: 'string', multiple: true },
  'bind-dn': { type: 'string' },
  'bind-password-stdin': { type: 'boolean' },
  'user-base': { type: 'string' },
  'user-filter': { type: 'string' },
  'group-base': { type: 'string' },
  'group-filter': { type: 'string' },
  'start-tls': { type: 'boolean' },
  'ca-file': { type: 'string' },
  kind: { type: 'string' },
  domain: { type: 'string', multiple: true },
  map: { type: 'string', multiple: true },
  order: { type: 'string' },
  'connect-timeout-ms': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'password-max-age-seconds': { type: 'string' },
  type: { type: 'string' },
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret-stdin': { type: 'boolean' },
  'display-name': { type: 'string' },
  'display-name-zh': { type: 'string' },
  'logo-url': { type: 'string' },
  'link-by-email': { type: 'boolean' },
  'trust-email': { type: 'boolean' },
  'subject-attribute': { type: 'string' },
  'use-userinfo': { type: 'boolean' },
  'groups-claim': { type: 'string' },
  'metadata-url': { type: 'string' },
  'metadata-file': { type: 'string' },
  enabled: { type: 'boolean' },
  idp: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; allowNegative: true }>>['values'];

/**
 * Ids and names may begin with "-" (a key id is a base64url thumbprint: one in 64 does), and parseArgs would take
 * "-W…" for short options. The only short option is -h, so any other word beginning with a single "-" is a value:
 * it is shielded from parseArgs (a NUL, which no argument can hold, in front) and restored after.
 */
const SHIELD = '\0';
const shield = (arg: string) => (/^-[^-]/.test(arg) && arg !== '-h' ? SHIELD + arg : arg);
const unshield = (arg: string) => (arg.startsWith(SHIELD) ? arg.slice(1) : arg);

export function parse(argv: string[]): { values: Values; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv.map(shield), options: OPTIONS, allowPositionals: true, allowNegative: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values = Object.fromEntries(
    Object.entries(parsed.values).map(([key, value]) => [key, typeof value === 'string' ? unshield(value) : Array.isArray(value) ? value.map(unshield) : value]),
  ) as Values;
  return { values, positionals: parsed.positionals.map(unshield) };
}

/** The words that are not options, read leniently: a usage error names its command even when an option was wrong. */
export function wordsOf(argv: string[]): string[] {
  const parsed = parseArgs({ args: argv.map(shield), options: OPTIONS, allowPositionals: true, allowNegative: true, strict: false });
  return parsed.positionals.map(unshield);
}

export async function readStdin(what = '--password-stdin reads the password'): Promise<string> {
  const text = await commandIo().stdin();
  if (text === undefined) throw new UsageError(`${what} from standard input: pipe it in`);
  return text.replace(/\r?\n$/, '');
}

/** The password given with --password-stdin: piped in as it comes, or typed twice, unseen, at a terminal. */
export async function passwordFromStdin(values: Values): Promise<string> {
  if (!values['password-stdin']) throw new UsageError('the password is read with --password-stdin (never from the command line)');
  // A forwarded command's password was read (or prompted for) by the command line that sent it (cli/forward.ts).
  return !forwarded() && process.stdin.isTTY ? newPassword() : readStdin();
}

/** --claim key=value: the value is JSON when it parses as JSON (true, 42, {"…"}), a string otherwise. */
export function parseClaims(values: Values): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const pair of values.claim ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--claim ${pair}: expected key=value`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    claims[pair.slice(0, eq)] = value;
  }
  if (values.email !== undefined) claims.email = values.email;
  if (values.name !== undefined) claims.name = values.name;
  return claims;
}

/** --claim-map from=to…: a claim the client receives under another name; '' (an empty --claim-map) clears the map. */
export function parseClaimMap(values: Values): Record<string, string> | undefined {
  const pairs = values['claim-map'];
  if (pairs === undefined) return undefined;
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--claim-map ${pair}: expected claim=name`);
    map[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return map;
}

/** The positional argument at index, which the command needs. */
export function positional(args: string[], index: number, what: string): string {
  const value = args[index];
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}
