/**
 * A command line the development server was sent (admin/api/cli-endpoint.ts), run in-process against the server's own
 * stores, with the user, standard input and files the command line read and sent.
 */
import type { FileRead, ForwardedAnswer, ForwardedCommand } from '../admin/api/cli-endpoint.js';
import type { Settings } from '../config/settings.js';
import type { Stores } from '../stores.js';
import { execute } from './execute.js';
import { withIo, type CommandIo } from './io.js';

function fileOf(read: FileRead | undefined, path: string): string {
  if (read && 'text' in read) return read.text;
  throw Object.assign(new Error(read?.error.message ?? `${path}: not read by the command line`), { code: read?.error.code ?? 'ENOENT' });
}

const forwardedIo = (command: ForwardedCommand): CommandIo => ({
  username: command.username,
  stdin: async () => command.stdin,
  readFile: async (path) => fileOf(command.files?.[path], path),
});

export const runInProcess =
  (stores: Stores, settings: Settings) =>
  (command: ForwardedCommand): Promise<ForwardedAnswer> =>
    execute(command.argv, (call) => withIo(forwardedIo(command), () => call.command.run({ stores, settings, action: call.action, args: call.args, values: call.values })));
