/**
 * oidc-op: the administrator's command line. It talks to the same Redis as the server (REDIS_URL) through
 * the same registry and user store, so what it writes is live at once. With --json every command prints
 * exactly one JSON object on stdout; errors go to stderr with a non-zero exit, and nothing is changed.
 */
import { loadSettings } from '../config/settings.js';
import { SettingsError } from '../config/settings-error.js';
import { AppError, exitCodeOf } from '../errors.js';
import { printable } from '../printable.js';
import { openStores } from '../stores.js';
import { parse, wordsOf } from './args.js';
import { commandNamed } from './commands/index.js';
import type { Output } from './commands/command.js';
import { helpOf, manual, requireAction, requireCommand, synopsis } from './help.js';

/** A command's output, or a help text (printed as it is, --json or not). */
async function run(argv: string[]): Promise<Output | string> {
  const { values, positionals } = parse(argv);
  const [noun, action, ...rest] = positionals;
  if (noun === 'help' && !values.help) return action === undefined || action === 'help' ? manual() : helpOf(requireCommand(action), rest[0]);
  if (values.help || !noun) {
    const command = commandNamed(noun);
    return command ? helpOf(command, action) : manual();
  }
  const command = requireCommand(noun);
  requireAction(command, action);

  const settings = loadSettings();
  if (!settings.redis) {
    throw new SettingsError('REDIS_URL is not set: the command line changes the Redis the server uses (the in-memory store lives inside the server process)');
  }
  const stores = await openStores(settings, 'oidc-op-cli');
  try {
    return await command.run({ stores, settings, action, args: rest, values });
  } finally {
    await stores.close();
  }
}

/** The synopsis under a usage error: that of the command named (or asked help for), else the list of commands. */
function synopsisFor(argv: string[]): string {
  const [noun, next] = wordsOf(argv);
  return synopsis(commandNamed(noun === 'help' ? next : noun));
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
    if (typeof output === 'string') {
      process.stdout.write(`${output}\n`);
      return;
    }
    process.stdout.write(json ? `${JSON.stringify(output.json)}\n` : `${onScreen(output.text)}\n`);
  } catch (err) {
    process.stderr.write(`oidc-op: ${onScreen(err instanceof Error ? err.message : String(err))}\n`);
    if (err instanceof AppError && err.code === 'usage') process.stderr.write(`${synopsisFor(argv)}\n`);
    process.exitCode = exitCodeOf(err);
  }
}

await main();
