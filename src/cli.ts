/**
 * oidc-op: the administrator's command line. It talks to the same Redis as the server (REDIS_URL) through
 * the same registry and user store, so what it writes is live at once. With --json every command prints
 * exactly one JSON object on stdout; errors go to stderr with a non-zero exit, and nothing is changed.
 */
import { AppError, exitCodeOf } from './errors.js';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { toView, type UserView } from './accounts/users.js';
import { clientView, type ClientRecord, type NewClient } from './clients/registry.js';
import type { AdminTokenView } from './accounts/admin-tokens.js';
import type { Consent } from './accounts/consents.js';
import { audited } from './audit/audited.js';
import type { ProviderSettings } from './settings/provider-settings.js';
import { KeyError, type KeyStatus } from './keys/keyring.js';
import type { ScopeRecord } from './scopes/scopes.js';
import { printable } from './printable.js';
import type { LocalizedText } from './config/localized-text.js';
import { loadSettings, type Settings } from './config/settings.js';
import { SettingsError } from './config/settings-error.js';
import { openStores, type Stores } from './stores.js';

class UsageError extends AppError {
  constructor(message: string) {
    super('usage', message);
  }
}

const USAGE = `usage: oidc-op <command> [options] [--json]

  client create --name NAME --redirect-uri URI… --response-type TYPE… [CLIENT OPTIONS]
  client update ID [--name NAME] [--redirect-uri URI…] [--response-type TYPE…] [CLIENT OPTIONS]   (a list given replaces the list)
  client list | client show ID | client enable ID | client disable ID | client rotate-secret ID | client delete ID
    CLIENT OPTIONS: [--description TEXT] [--post-logout-redirect-uri URI…] [--grant-type TYPE…] [--scope SCOPE…]
                    [--auth-method none|client_secret_basic|client_secret_post]
                    [--logo-uri URI] [--client-uri URI] [--policy-uri URI] [--tos-uri URI]
                    [--[no-]first-party] [--[no-]always-select-account] [--access-token-ttl S] [--id-token-ttl S]
                    [--id-token-signed-response-alg RS256|ES256|EdDSA]   ('' or not given: ID_TOKEN_SIGNING_ALG)
  user create --username NAME --password-stdin [--email E] [--name N] [--claim key=value…] [--role user|admin]
  user update NAME [--email E] [--name N] [--claim key=value…] [--role user|admin]   (--claim key=null removes one)
  user list | user show NAME | user enable NAME | user disable NAME
  user set-password NAME --password-stdin | user delete NAME
  user consents NAME | user revoke-consent NAME CLIENT_ID   (revoking ends the grant and its tokens; the client's next
                                                             sign-in asks for consent again)

  audit tail [--limit N] [--user SUB_OR_NAME] [--client ID]
  admin-token create --name NAME      (a Bearer token for /admin/api, shown once)
  admin-token list | admin-token revoke ID_OR_NAME   (a revoked token gets 401 at once)
  registration-token create [--expires-in SECONDS]
                                       (an initial access token for dynamic client registration, shown once;
                                        valid for any number of registrations until it expires, 86400 by default)
  scope create ID --name TEXT --description TEXT [--claim CLAIM…] [--icon NAME] [--default]
  scope update ID [--name TEXT] [--description TEXT] [--claim CLAIM…] [--icon NAME] [--[no-]default]
  scope list | scope show ID | scope delete ID
                                       (TEXT is plain, or per language as {"en":"…","zh-CN":"…"}; {user} and
                                        {client_name} are filled in on the consent page; --default: new clients get it)
  keys list | keys rotate [--lead-time SECONDS] | keys retire KID
                                       (a new key is published at once and signs after the lead time, 3600 by default;
                                        the replaced one stays published 24 h, then retires)
  export | import FILE|- [--replace]
                                       (one JSON document: clients with secret hashes, users with password hashes,
                                        scopes, settings; no signing keys, admin tokens, sessions or grants. An import
                                        is validated whole and written all or nothing; into a store that holds admin
                                        data only with --replace, which replaces all its clients, users, scopes, settings)
  settings show | settings set KEY VALUE   (implicit.enabled, state.required, ttl.access_token, ttl.id_token, ttl.session,
                                            paths.*, registration.enabled, registration.initial_access_token;
                                            every instance follows within SETTINGS_REFRESH_MS)

Response types: "id_token token", id_token, code. Repeat an option to give several values.
Reads REDIS_URL (or REDIS_SENTINELS / REDIS_CLUSTER_NODES) like the server.`;

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
  'always-select-account': { type: 'boolean' },
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
} as const satisfies ParseArgsConfig['options'];

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; allowNegative: true }>>['values'];

interface Output {
  /** The one JSON object --json prints. */
  json: Record<string, unknown>;
  /** What a person reads instead. */
  text: string;
}

async function readStdin(what = '--password-stdin reads the password'): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError(`${what} from standard input: pipe it in`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function passwordFromStdin(values: Values): Promise<string> {
  if (!values['password-stdin']) throw new UsageError('the password is read with --password-stdin (never from the command line)');
  return readStdin();
}

/** --claim key=value: the value is JSON when it parses as JSON (true, 42, {"…"}), a string otherwise. */
function parseClaims(values: Values): Record<string, unknown> {
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

function positional(args: string[], index: number, what: string): string {
  const value = args[index];
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}


const seconds = (value: string | undefined) => (value === undefined ? undefined : Number(value));

/** The client fields given on the command line; those not given stay undefined (unchanged on update). */
function clientFields(values: Values): Partial<NewClient> {
  const fields: Partial<NewClient> = {
    name: values.name,
    description: values.description,
    redirectUris: values['redirect-uri'],
    postLogoutRedirectUris: values['post-logout-redirect-uri'],
    responseTypes: values['response-type'],
    grantTypes: values['grant-type'],
    scopes: values.scope?.flatMap((s) => s.split(' ').filter(Boolean)),
    authMethod: values['auth-method'],
    logoUri: values['logo-uri'],
    clientUri: values['client-uri'],
    policyUri: values['policy-uri'],
    tosUri: values['tos-uri'],
    firstParty: values['first-party'],
    alwaysSelectAccount: values['always-select-account'],
    accessTokenTtl: seconds(values['access-token-ttl']),
    idTokenTtl: seconds(values['id-token-ttl']),
    idTokenSignedResponseAlg: values['id-token-signed-response-alg'],
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
// Stored text goes through printable() on its way into a line: a newline or an escape in it would forge or hide output.
const clientLine = (record: ClientRecord) =>
  `${printable(record.metadata.client_id)}  ${printable(record.metadata.client_name ?? '')}  [${printable((record.metadata.response_types ?? []).join(', '))}]${record.registered ? '  (self-registered)' : ''}`;
const consentLine = (c: Consent) =>
  `${printable(c.clientId)}  ${printable(c.scope)}${c.claims.length ? `  claims: ${printable(c.claims.join(' '))}` : ''}  until ${printable(c.expiresAt ?? 'never')}`;
const userLine = (user: UserView) => `${printable(user.username)}  sub=${printable(user.sub)}  ${printable(user.role ?? 'user')}${user.disabled ? '  disabled' : ''}`;

async function clientCommand(stores: Stores, action: string | undefined, args: string[], values: Values): Promise<Output> {
  switch (action) {
    case 'create': {
      const created = await stores.clients.create({ name: '', redirectUris: [], responseTypes: [], ...clientFields(values) });
      const secretLine = created.client_secret ? `\nclient_secret ${created.client_secret}\n(shown once: only its hash is stored)` : '';
      return { json: { ...created }, text: `client_id ${created.client_id}${secretLine}` };
    }
    case 'list': {
      const clients = await stores.clients.list();
      return { json: { clients: clients.map(clientView) }, text: clients.map(clientLine).join('\n') || '(no clients)' };
    }
    case 'show': {
      const record = await stores.clients.require(positional(args, 0, 'client id'));
      return { json: clientView(record), text: JSON.stringify(clientView(record), null, 2) };
    }
    case 'update': {
      const { record, client_secret: secret } = await stores.clients.update(positional(args, 0, 'client id'), clientFields(values));
      const json = secret ? { ...clientView(record), client_secret: secret } : clientView(record);
      return { json, text: `updated client ${clientLine(record)}${secret ? `\nclient_secret ${secret}\n(shown once: only its hash is stored)` : ''}` };
    }
    case 'enable':
    case 'disable': {
      const record = await stores.clients.setDisabled(positional(args, 0, 'client id'), action === 'disable');
      return { json: clientView(record), text: `${action}d client ${clientLine(record)}` };
    }
    case 'rotate-secret': {
      const rotated = await stores.clients.rotateSecret(positional(args, 0, 'client id'));
      return { json: { ...rotated }, text: `client_secret ${rotated.client_secret}\n(shown once: only its hash is stored; the old secret no longer works)` };
    }
    case 'delete': {
      const removed = await stores.clients.delete(positional(args, 0, 'client id'));
      return { json: { deleted: removed.metadata.client_id }, text: `deleted client ${printable(removed.metadata.client_id)}` };
    }
    default:
      throw new UsageError(`unknown client command ${action ?? ''}`.trim());
  }
}

async function userCommand(stores: Stores, action: string | undefined, args: string[], values: Values): Promise<Output> {
  switch (action) {
    case 'create': {
      const claims = parseClaims(values);
      const user = await stores.users.create({ username: values.username ?? '', password: await passwordFromStdin(values), claims, role: values.role });
      return { json: { ...user }, text: `created user ${userLine(user)}` };
    }
    case 'list': {
      const users = await stores.users.list();
      return { json: { users }, text: users.map(userLine).join('\n') || '(no users)' };
    }
    case 'show': {
      const user = toView(await stores.users.require(positional(args, 0, 'username')));
      return { json: { ...user }, text: JSON.stringify(user, null, 2) };
    }
    case 'update': {
      const user = await stores.users.update(positional(args, 0, 'username'), { claims: parseClaims(values), role: values.role });
      return { json: { ...user }, text: `updated user ${userLine(user)}` };
    }
    case 'enable':
    case 'disable': {
      const user = await stores.users.setDisabled(positional(args, 0, 'username'), action === 'disable');
      return { json: { ...user }, text: `${action}d user ${userLine(user)}` };
    }
    case 'set-password': {
      const username = positional(args, 0, 'username');
      await stores.users.setPassword(username, await passwordFromStdin(values));
      return { json: { username, password: 'changed' }, text: `password of ${username} changed` };
    }
    case 'consents': {
      const user = await stores.users.require(positional(args, 0, 'username'));
      const consents = await stores.consents.list(user.sub);
      return { json: { user: user.username, consents }, text: consents.map(consentLine).join('\n') || '(no consents)' };
    }
    case 'revoke-consent': {
      const user = await stores.users.require(positional(args, 0, 'username'));
      const revoked = await stores.consents.revoke(user.sub, positional(args, 1, 'client id'), `cli:${userInfo().username}`);
      return { json: { user: user.username, revoked }, text: revoked.map((c) => `revoked ${consentLine(c)}`).join('\n') };
    }
    case 'delete': {
      const removed = await stores.users.delete(positional(args, 0, 'username'));
      return { json: { deleted: removed.username, sub: removed.sub }, text: `deleted user ${printable(removed.username)}` };
    }
    default:
      throw new UsageError(`unknown user command ${action ?? ''}`.trim());
  }
}

/** A display text: per language when given as a JSON object, the same in every language otherwise. */
function localized(value: string | undefined): LocalizedText | undefined {
  if (value === undefined || !value.trim().startsWith('{')) return value;
  try {
    return JSON.parse(value) as LocalizedText;
  } catch {
    throw new UsageError(`${value}: not valid JSON (give plain text, or {"en":"…","zh-CN":"…"})`);
  }
}

async function scopeCommand(stores: Stores, action: string | undefined, args: string[], values: Values): Promise<Output> {
  const one = (scope: ScopeRecord) => ({ json: { ...scope }, text: JSON.stringify(scope, null, 2) });
  const fields = {
    name: localized(values.name),
    description: localized(values.description),
    claims: values.claim,
    icon: values.icon,
    default: values.default,
  };
  switch (action) {
    case 'list': {
      const scopes = await stores.scopes.list();
      return { json: { scopes }, text: scopes.map((s) => `${printable(s.id)}${s.default ? ' (default)' : ''}  ${printable(s.claims.join(' '))}`).join('\n') };
    }
    case 'show':
      return one(await stores.scopes.require(positional(args, 0, 'scope id')));
    case 'create':
      return one(await stores.scopes.create({ id: positional(args, 0, 'scope id'), ...fields, name: fields.name ?? '', description: fields.description ?? '' }));
    case 'update':
      return one(await stores.scopes.update(positional(args, 0, 'scope id'), fields));
    case 'delete': {
      const removed = await stores.scopes.delete(positional(args, 0, 'scope id'));
      return { json: { deleted: removed.id }, text: `deleted scope ${printable(removed.id)}` };
    }
    default:
      throw new UsageError(`unknown scope command ${action ?? ''}`.trim());
  }
}

async function keysCommand(stores: Stores, settings: Settings, action: string | undefined, args: string[], values: Values): Promise<Output> {
  if (settings.jwks) throw new KeyError('the signing keys come from JWKS or JWKS_FILE: rotate them there');
  const show = (statuses: KeyStatus[]) => ({
    json: { keys: statuses },
    text: statuses.map((s) => `${s.state.padEnd(8)}  ${printable(s.kids.join(' '))}  active from ${s.activeFrom}${s.publishedUntil ? `  published until ${s.publishedUntil}` : ''}`).join('\n'),
  });
  const actor = `cli:${userInfo().username}`;
  switch (action) {
    case 'list':
      return show(await stores.keyring.status());
    case 'rotate': {
      const lead = Number(values['lead-time'] ?? 3600);
      return show(await audited(stores.audit, { actor, action: `keys rotate lead=${lead}s`, about: 'setting' }, () => stores.keyring.rotate(lead * 1000)));
    }
    case 'retire': {
      const kid = positional(args, 0, 'key id');
      return show(await audited(stores.audit, { actor, action: `keys retire ${kid}`, about: 'setting' }, () => stores.keyring.retire(kid)));
    }
    default:
      throw new UsageError(`unknown keys command ${action ?? ''}`.trim());
  }
}

async function settingsCommand(stores: Stores, action: string | undefined, args: string[]): Promise<Output> {
  const show = (settings: ProviderSettings) => ({
    json: { ...settings },
    text: Object.entries(settings)
      .map(([k, v]) => `${printable(k)} = ${printable(String(v))}`)
      .join('\n'),
  });
  if (action === 'show') return show(await stores.providerSettings.read());
  if (action !== 'set') throw new UsageError(`unknown settings command ${action ?? ''}`.trim());
  const key = positional(args, 0, 'setting name');
  const value = positional(args, 1, 'value');
  const what = { actor: `cli:${userInfo().username}`, action: `settings set ${key}=${value}`, about: 'setting' as const };
  return show(await audited(stores.audit, what, () => stores.providerSettings.set(key, value)));
}

async function adminTokenCommand(stores: Stores, action: string | undefined, args: string[], values: Values): Promise<Output> {
  const actor = `cli:${userInfo().username}`;
  const line = (t: AdminTokenView) => `${printable(t.id)}  ${printable(t.name)}  created ${printable(t.createdAt)}`;
  switch (action) {
    case 'create': {
      const created = await audited(stores.audit, { actor, action: `admin-token create ${values.name ?? ''}`, about: 'setting' }, () => stores.adminTokens.create(values.name ?? ''));
      return { json: { ...created }, text: `admin token ${created.name}: ${created.token}\n(shown once: only its hash is stored)` };
    }
    case 'list': {
      const tokens = await stores.adminTokens.list();
      return { json: { tokens }, text: tokens.map(line).join('\n') || '(no admin tokens)' };
    }
    case 'revoke': {
      const which = positional(args, 0, 'token id or name');
      const revoked = await audited(stores.audit, { actor, action: `admin-token revoke ${which}`, about: 'setting' }, () => stores.adminTokens.revoke(which));
      return { json: { revoked }, text: revoked.map((t) => `revoked ${line(t)}`).join('\n') };
    }
    default:
      throw new UsageError(`unknown admin-token command ${action ?? ''}`.trim());
  }
}

/** The document from a file, or from standard input for '-'. */
async function readDocument(path: string): Promise<unknown> {
  const text = path === '-' ? await readStdin('import - reads the document') : await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path === '-' ? 'standard input' : path}: not valid JSON (${(err as Error).message})`);
  }
}

async function exportCommand(stores: Stores): Promise<Output> {
  const what = { actor: `cli:${userInfo().username}`, action: 'export', about: 'setting' as const };
  const document = await audited(stores.audit, what, () => stores.adminData.export());
  return { json: { ...document }, text: JSON.stringify(document, null, 2) };
}

async function importCommand(stores: Stores, args: string[], values: Values): Promise<Output> {
  const document = await readDocument(positional(args, 0, 'file to import (- for standard input)'));
  const replace = values.replace === true;
  const what = { actor: `cli:${userInfo().username}`, action: replace ? 'import --replace' : 'import', about: 'setting' as const };
  const summary = await audited(stores.audit, what, () => stores.adminData.import(document, replace));
  return {
    json: { imported: summary },
    text: `imported ${summary.clients} clients, ${summary.users} users, ${summary.scopes} scopes, ${summary.settings} settings${replace ? ' (everything else removed)' : ''}`,
  };
}

async function registrationTokenCommand(stores: Stores, action: string | undefined, values: Values): Promise<Output> {
  if (action !== 'create') throw new UsageError(`unknown registration-token command ${action ?? ''}`.trim());
  const expiresIn = Number(values['expires-in'] ?? 86_400);
  const what = { actor: `cli:${userInfo().username}`, action: `registration-token create expires-in=${expiresIn}s`, about: 'setting' as const };
  const minted = await audited(stores.audit, what, () => stores.registrationTokens.create(expiresIn));
  return { json: { ...minted }, text: `initial access token: ${minted.token}\nvalid until ${minted.expires_at} (shown once)` };
}

async function auditCommand(stores: Stores, action: string | undefined, values: Values): Promise<Output> {
  if (action !== 'tail') throw new UsageError(`unknown audit command ${action ?? ''}`.trim());
  const limit = Number(values.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit: a whole number from 1 to 10000');
  const events = await stores.audit.tail(limit, { user: values.user, client: values.client });
  const line = (e: (typeof events)[number]) =>
    [e.time, e.type, e.outcome, e.action, e.actor && `actor=${e.actor}`, e.user && `user=${e.user}`, e.client && `client=${e.client}`, e.ip && `ip=${e.ip}`]
      .filter(Boolean)
      .map((field) => printable(String(field)))
      .concat(e.count && e.count > 1 ? [`count=${e.count}`] : [], e.truncated ? ['truncated'] : [])
      .join('  ');
  return { json: { events }, text: events.map(line).join('\n') || '(no events)' };
}

/**
 * Ids and names may begin with "-" (a key id is a base64url thumbprint: one in 64 does), and parseArgs would take
 * "-W…" for short options. The only short option is -h, so any other word beginning with a single "-" is a value:
 * it is shielded from parseArgs (a NUL, which no argument can hold, in front) and restored after.
 */
const SHIELD = '\0';
const shield = (arg: string) => (/^-[^-]/.test(arg) && arg !== '-h' ? SHIELD + arg : arg);
const unshield = (arg: string) => (arg.startsWith(SHIELD) ? arg.slice(1) : arg);

function parse(argv: string[]): { values: Values; positionals: string[] } {
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

async function run(argv: string[]): Promise<Output | undefined> {
  const { values, positionals } = parse(argv);
  const [noun, action, ...rest] = positionals;
  if (values.help || !noun) return undefined;
  if (!['client', 'user', 'scope', 'audit', 'admin-token', 'registration-token', 'settings', 'keys', 'export', 'import'].includes(noun)) throw new UsageError(`unknown command ${noun}`);

  const settings = loadSettings();
  if (!settings.redis) {
    throw new SettingsError('REDIS_URL is not set: the command line changes the Redis the server uses (the in-memory store lives inside the server process)');
  }
  const stores = await openStores(settings, 'oidc-op-cli');
  try {
    if (noun === 'audit') return await auditCommand(stores, action, values);
    if (noun === 'export') return await exportCommand(stores);
    if (noun === 'import') return await importCommand(stores, [action ?? '', ...rest].filter(Boolean), values);
    if (noun === 'admin-token') return await adminTokenCommand(stores, action, rest, values);
    if (noun === 'registration-token') return await registrationTokenCommand(stores, action, values);
    if (noun === 'settings') return await settingsCommand(stores, action, rest);
    if (noun === 'keys') return await keysCommand(stores, settings, action, rest, values);
    if (noun === 'scope') {
      const run = () => scopeCommand(stores, action, rest, values);
      if (['list', 'show'].includes(action ?? '')) return await run();
      return await audited(stores.audit, { actor: `cli:${userInfo().username}`, action: `scope ${action ?? ''} ${rest[0] ?? ''}`.trim(), about: 'setting' }, run);
    }
    const command = () => (noun === 'client' ? clientCommand(stores, action, rest, values) : userCommand(stores, action, rest, values));
    if (['list', 'show', 'consents'].includes(action ?? '')) return await command();
    const what = { actor: `cli:${userInfo().username}`, action: `${noun} ${action ?? ''}`, about: noun as 'client' | 'user', subject: rest[0] };
    return await audited(stores.audit, what, command, (output) => {
      const created = output.json.client_id ?? output.json.username;
      return typeof created === 'string' ? created : undefined;
    });
  } finally {
    await stores.close();
  }
}

/**
 * The last guard before a terminal: no escape or control character leaves in any line of text, whichever command
 * or message built it (the lines themselves escape their stored text's newlines).
 */
const onScreen = (text: string) => text.split('\n').map(printable).join('\n');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const json = argv.includes('--json');
  try {
    const output = await run(argv);
    if (!output) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    process.stdout.write(json ? `${JSON.stringify(output.json)}\n` : `${onScreen(output.text)}\n`);
  } catch (err) {
    process.stderr.write(`oidc-op: ${onScreen(err instanceof Error ? err.message : String(err))}\n`);
    if (err instanceof AppError && err.code === 'usage') process.stderr.write(`${USAGE}\n`);
    process.exitCode = exitCodeOf(err);
  }
}

await main();
