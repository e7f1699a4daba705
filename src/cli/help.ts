/** The command line's help: the manual, one command's help, one action's, and the synopsis a usage error shows. */
import { UsageError } from './args.js';
import { COMMANDS, commandNamed } from './commands/index.js';
import type { Command } from './commands/command.js';
import { nearest } from './nearest.js';

export const USAGE = 'usage: oidc-op <command> [options] [--json]';

const FOOTER = `Response types: "id_token token", id_token, code. Repeat an option to give several values.
Reads REDIS_URL (or REDIS_SENTINELS / REDIS_CLUSTER_NODES) like the server; without them it runs the command in the
in-memory server 'npm start' runs (found through CLI_TOKEN_FILE, default .oidc-op/cli-token).
'oidc-op help COMMAND' or 'oidc-op COMMAND --help' shows one command.`;

/** Every command's synopsis: what `oidc-op`, `oidc-op --help` and `oidc-op help` print. */
export const manual = (): string => `${USAGE}\n\n${COMMANDS.map((c) => c.synopsis).join('\n')}\n\n${FOOTER}`;

/** What a usage error prints under its one line: the command's synopsis, or the list of commands. */
export function synopsis(command: Command | undefined): string {
  if (!command) return `${USAGE}\ncommands: ${COMMANDS.map((c) => c.name).join(', ')}, help\n'oidc-op help COMMAND' shows one command.`;
  return `usage: oidc-op ${command.usage}\n\n${command.synopsis}`;
}

/** `oidc-op COMMAND --help`, or with an action that has its own help, `oidc-op COMMAND ACTION --help`. */
export function helpOf(command: Command, action: string | undefined): string {
  const own = action === undefined ? undefined : command.actions?.[action];
  return own ?? `${synopsis(command)}\n\n${command.help}`;
}

/** The command of that name; a usage error, with the nearest name when one is close, for any other word. */
export function requireCommand(name: string): Command {
  const command = commandNamed(name);
  if (command) return command;
  const guess = nearest(name, [...COMMANDS.map((c) => c.name), 'help']);
  throw new UsageError(`unknown command ${name}${guess ? ` (did you mean ${guess}?)` : ''}`);
}

/** The actions a command's synopsis lists (`client create`, `user list`…): none for a command without actions. */
export function actionsOf(command: Command): string[] {
  const listed = command.synopsis.matchAll(new RegExp(`(?:^ *|\\| )${command.name} ([a-z][a-z-]*)`, 'gm'));
  return [...new Set([...listed].map((match) => match[1]!))];
}

/** A missing or unknown action is a usage error before anything is opened, with the nearest action when one is close. */
export function requireAction(command: Command, action: string | undefined): void {
  const actions = actionsOf(command);
  if (actions.length === 0 || (action !== undefined && actions.includes(action))) return;
  if (action === undefined) throw new UsageError(`${command.name}: missing action (${actions.join(', ')})`);
  const guess = nearest(action, actions);
  throw new UsageError(`unknown ${command.name} action ${action}${guess ? ` (did you mean ${guess}?)` : ''}`);
}
