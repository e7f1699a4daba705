/** What a command group is to the command line: its help texts and its run function, and what it runs with. */
import { audited } from '../../audit/audited.js';
import type { Settings } from '../../config/settings.js';
import type { Stores } from '../../stores.js';
import type { Values } from '../args.js';
import { commandIo } from '../io.js';

export interface Output {
  /** The one JSON object --json prints. */
  json: Record<string, unknown>;
  /** What a person reads instead. */
  text: string;
  /** What the reader must know beside the output (something left out, something still to do): on standard error. */
  notes?: string[];
}

export interface Context {
  stores: Stores;
  settings: Settings;
  /** The word after the command's name (create, list…), if any. */
  action: string | undefined;
  /** The words after the action. */
  args: string[];
  values: Values;
}

export interface Command {
  name: string;
  /** The first line of its usage, after "oidc-op". */
  usage: string;
  /**
   * Its lines in the manual; a usage error prints them too. Each action appears as `NAME ACTION` at a line's start or
   * after `| `: the command line refuses, before opening anything, an action its synopsis does not list.
   */
  synopsis: string;
  /** What `oidc-op NAME --help` adds below the synopsis. */
  help: string;
  /** `oidc-op NAME ACTION --help`: one action's usage and options. */
  actions?: Record<string, string>;
  run(context: Context): Promise<Output>;
}

/** The actor the audit trail records for the command line: the operating-system user who ran it. */
export const cliActor = () => `cli:${commandIo().username}`;

/**
 * A client or user command, audited unless it only reads; a create records what it made as the subject.
 * The reads are the same for both groups (so an unknown read word is not audited for either).
 */
export async function auditedRecordCommand(context: Context, noun: 'client' | 'user', command: () => Promise<Output>, detail?: string): Promise<Output> {
  const { stores, action, args } = context;
  if (['list', 'show', 'consents'].includes(action ?? '')) return command();
  // `detail`: what the change touches (claims and groups by name), after the action.
  const what = { actor: cliActor(), action: `${noun} ${action ?? ''}${detail ? ` (${detail})` : ''}`.slice(0, 200), about: noun, subject: args[0] };
  return audited(stores.audit, what, command, (output) => {
    const created = output.json.client_id ?? output.json.username;
    return typeof created === 'string' ? created : undefined;
  });
}
