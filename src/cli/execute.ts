/**
 * One run of the command line, from its words to what it prints and its exit code: the same whether the command runs
 * here (against Redis) or inside the development server (cli/forward.ts), so both print exactly the same.
 */
import { AppError, exitCodeOf } from '../errors.js';
import { printable } from '../printable.js';
import { parse, wordsOf, type Values } from './args.js';
import type { Command, Output } from './commands/command.js';
import { commandNamed } from './commands/index.js';
import { helpOf, manual, requireAction, requireCommand, synopsis } from './help.js';

/** What a run prints on standard output and standard error, and how it exits. */
export interface Printed {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface Call {
  command: Command;
  action: string | undefined;
  args: string[];
  values: Values;
}

/** Runs a parsed command: here with stores, or elsewhere (then what it printed there comes back as it is). */
export type Runner = (call: Call) => Promise<Output | Printed>;

const isPrinted = (result: Output | Printed): result is Printed => 'exitCode' in result;

/** A command's output, or a help text (printed as it is, --json or not). */
async function dispatch(argv: string[], runner: Runner): Promise<Output | Printed | string> {
  const { values, positionals } = parse(argv);
  const [noun, action, ...rest] = positionals;
  if (noun === 'help' && !values.help) return action === undefined || action === 'help' ? manual() : helpOf(requireCommand(action), rest[0]);
  if (values.help || !noun) {
    const command = commandNamed(noun);
    return command ? helpOf(command, action) : manual();
  }
  const command = requireCommand(noun);
  requireAction(command, action);
  return runner({ command, action, args: rest, values });
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

/** The error line (and a usage error's synopsis) a failed run prints. */
export function printedError(err: unknown, argv: string[]): Printed {
  let stderr = `oidc-op: ${onScreen(err instanceof Error ? err.message : String(err))}\n`;
  if (err instanceof AppError && err.code === 'usage') stderr += `${synopsisFor(argv)}\n`;
  return { stdout: '', stderr, exitCode: exitCodeOf(err) };
}

export async function execute(argv: string[], runner: Runner): Promise<Printed> {
  const json = argv.includes('--json');
  try {
    const output = await dispatch(argv, runner);
    if (typeof output === 'string') return { stdout: `${output}\n`, stderr: '', exitCode: 0 };
    if (isPrinted(output)) return output;
    const stderr = (output.notes ?? []).map((note) => `oidc-op: note: ${onScreen(note)}\n`).join('');
    return { stdout: json ? `${JSON.stringify(output.json)}\n` : `${onScreen(output.text)}\n`, stderr, exitCode: 0 };
  } catch (err) {
    return printedError(err, argv);
  }
}
