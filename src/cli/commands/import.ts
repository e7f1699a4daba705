/** `oidc-op import`: apply an exported document, validated whole and written all or nothing. */
import { audited } from '../../audit/audited.js';
import { importNotes } from '../../backup/backup-store.js';
import { positional, readStdin, UsageError } from '../args.js';
import { commandIo } from '../io.js';
import { cliActor, type Command, type Context, type Output } from './command.js';

/** The document from a file, or from standard input for '-'. */
async function readDocument(path: string): Promise<unknown> {
  const text = path === '-' ? await readStdin('import - reads the document') : await commandIo().readFile(path).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path === '-' ? 'standard input' : path}: not valid JSON (${(err as Error).message})`);
  }
}

async function importCommand({ stores, action, args, values }: Context): Promise<Output> {
  // The file is the word after "import", where other commands have their action.
  const document = await readDocument(positional([action ?? '', ...args].filter(Boolean), 0, 'file to import (- for standard input)'));
  const replace = values.replace === true;
  const what = { actor: cliActor(), action: replace ? 'import --replace' : 'import', about: 'setting' as const };
  const summary = await audited(stores.audit, what, () => stores.adminData.import(document, replace));
  return {
    json: { imported: summary },
    text: `imported ${summary.clients} clients, ${summary.users} users, ${summary.groups} groups, ${summary.directories} directories, ${summary.idps} idps, ${summary.scopes} scopes, ${summary.settings} settings${replace ? ' (everything else removed)' : ''}`,
    notes: importNotes(summary),
  };
}

export const importData: Command = {
  name: 'import',
  usage: 'import FILE|- [--replace] [--json]',
  synopsis: `  import FILE|- [--replace]
                                       (an import is validated whole and written all or nothing; into a store that
                                        holds admin data only with --replace, which replaces all its clients, users,
                                        groups, directories, upstream IdPs, scopes, settings)`,
  help: `FILE is a document 'oidc-op export' wrote; - reads it from standard input.

A directory's sealed bind password, and an OpenID Connect IdP's sealed client secret, must open with this side's
KEYS_ENCRYPTION_KEY, or the whole import is refused. One the document carries without it keeps the secret of the
directory or IdP of that name it replaces; else it is imported without one, refuses sign-ins, and a note names the
command that sets it.`,
  run: importCommand,
};
