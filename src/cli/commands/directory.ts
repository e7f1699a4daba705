/** `oidc-op directory`: the LDAP and Active Directory directories users sign in with, and a step-by-step test. */
import { readFile } from 'node:fs/promises';
import { audited } from '../../audit/audited.js';
import type { DirectoryChange } from '../../directories/directories.js';
import type { DirectoryView } from '../../directories/directory-record.js';
import { testDirectory } from '../../directories/directory-test.js';
import { printable } from '../../printable.js';
import { positional, readStdin, UsageError, type Values } from '../args.js';
import { cliActor, type Command, type Context, type Output } from './command.js';

const number = (value: string | undefined, option: string): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${option} ${value}: a whole number`);
  return Number(value);
};

/** --map claim=attribute (an empty attribute drops the claim). */
function claimMap(values: Values): Record<string, string> | undefined {
  if (!values.map) return undefined;
  const map: Record<string, string> = {};
  for (const pair of values.map) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--map ${pair}: expected claim=attribute`);
    map[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return map;
}

async function fields(values: Values): Promise<DirectoryChange> {
  const ca = values['ca-file'] === undefined ? undefined : await readFile(values['ca-file'], 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--ca-file ${values['ca-file']}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  const change: DirectoryChange = {
    kind: values.kind,
    urls: values.url,
    bindDn: values['bind-dn'],
    bindPassword: values['bind-password-stdin'] ? await readStdin('--bind-password-stdin reads the bind password') : undefined,
    userBase: values['user-base'],
    userFilter: values['user-filter'],
    groupBase: values['group-base'],
    groupFilter: values['group-filter'],
    startTls: values['start-tls'],
    ca,
    domains: values.domain,
    claimMap: claimMap(values),
    order: number(values.order, 'order'),
    connectTimeoutMs: number(values['connect-timeout-ms'], 'connect-timeout-ms'),
    timeoutMs: number(values['timeout-ms'], 'timeout-ms'),
    passwordMaxAgeSeconds: number(values['password-max-age-seconds'], 'password-max-age-seconds'),
  };
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
}

const describe = (d: DirectoryView) =>
  `${printable(d.name)} (${d.kind}, order ${d.order})  ${d.urls.map(printable).join(' ')}${d.startTls ? ' +StartTLS' : ''}  users under ${printable(d.userBase)}`;

async function testCommand({ stores, args, values }: Context): Promise<Output> {
  const name = positional(args, 0, 'directory name');
  const username = values.username;
  if (!username) throw new UsageError('directory test needs --username NAME and the password with --password-stdin');
  if (!values['password-stdin']) throw new UsageError('the password is read with --password-stdin (never from the command line)');
  const password = await readStdin();
  const directory = (await stores.directories.forSignIn()).find((d) => d.name === name);
  if (!directory) throw new UsageError(`directory ${name}: not found`);
  const report = await testDirectory(directory, username, password);
  const { steps, ...outcome } = report;
  const text = [
    ...steps.map((s) => `${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(13)} ${s.ms.toFixed(2).padStart(9)} ms  ${printable(s.detail ?? '')}`),
    `=> ${printable(JSON.stringify(outcome))}`,
  ].join('\n');
  return { json: { directory: name, ...report }, text };
}

async function directoryCommand(context: Context): Promise<Output> {
  const { stores, action, args, values } = context;
  const one = (d: DirectoryView) => ({ json: { ...d }, text: JSON.stringify(d, null, 2) });
  switch (action) {
    case 'list': {
      const directories = await stores.directories.list();
      return { json: { directories }, text: directories.length ? directories.map(describe).join('\n') : 'no directories' };
    }
    case 'show':
      return one(await stores.directories.require(positional(args, 0, 'directory name')));
    case 'create':
      return one(await stores.directories.create({ name: positional(args, 0, 'directory name'), ...(await fields(values)) }));
    case 'update':
      return one(await stores.directories.update(positional(args, 0, 'directory name'), await fields(values)));
    case 'delete': {
      const removed = await stores.directories.delete(positional(args, 0, 'directory name'));
      return { json: { deleted: removed.name }, text: `deleted directory ${printable(removed.name)} (its users' records stay; they can no longer sign in through it)` };
    }
    case 'test':
      return testCommand(context);
    default:
      throw new UsageError(`unknown directory command ${action ?? ''}`.trim());
  }
}

export const directory: Command = {
  name: 'directory',
  usage: 'directory ACTION [options] [--json]',
  synopsis: `  directory create NAME --url URL [--url URL…] --bind-dn DN --bind-password-stdin --user-base DN
                   [--user-filter FILTER] [--group-base DN] [--group-filter FILTER] [--start-tls] [--ca-file FILE]
                   [--kind openldap|active-directory] [--domain NAME…] [--map claim=attribute…] [--order N]
                   [--connect-timeout-ms MS] [--timeout-ms MS] [--password-max-age-seconds S]
  directory update NAME [the same options]
  directory list | directory show NAME | directory delete NAME
  directory test NAME --username NAME --password-stdin
                                       (prints each step of a sign-in with its time, and the claims it would issue)`,
  help: `Users sign in with their directory account: the service account (--bind-dn, its password on standard input
with --bind-password-stdin) finds the user with --user-filter ({username} is replaced by the escaped name), then
the user's own password is checked with a bind. Several --url are tried in turn. --domain names a sign-in may carry
to pick this directory (alice@corp.example, CORP\\alice); other names fall through the directories by --order.
--map overrides the attribute a claim is read from (--map email=userPrincipalName; --map phone_number= drops it).
--password-max-age-seconds (OpenLDAP) is the password max age for entries that name no pwdPolicySubentry: past
pwdChangedTime + it, the login page says the password has expired (0: never). The bind password is never shown.`,
  run: (context) => {
    const { stores, action, args } = context;
    const run = () => directoryCommand(context);
    if (['list', 'show', 'test'].includes(action ?? '')) return run();
    return audited(stores.audit, { actor: cliActor(), action: `directory ${action ?? ''} ${args[0] ?? ''}`.trim(), about: 'setting' }, run);
  },
};
