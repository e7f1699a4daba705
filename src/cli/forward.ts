/**
 * Without Redis settings the command line sends its words to the development server `npm start` runs in memory (found
 * through its token file), with what it read from standard input and the files it names, and prints the answer.
 */
import { CLI_PATH, type FileRead, type ForwardedCommand } from '../admin/api/cli-endpoint.js';
import { AppError } from '../errors.js';
import { wordsOf } from './args.js';
import type { Printed } from './execute.js';
import { localIo } from './io.js';
import { newPassword } from './prompt.js';
import { readCliTarget } from './token-file.js';

export const NO_SERVER =
  'no server to talk to: start the development server with `npm start` (in memory; the command line finds it), or set REDIS_URL to the Redis your server uses';

/** A word ending in -stdin (--password-stdin) or a lone "-" (import -): standard input is read here and sent. */
const readsStdin = (argv: string[]) => argv.some((word) => word === '-' || /^--[\w-]+-stdin$/.test(word));

/** `import FILE`: the file is read here, where its path means what the administrator meant. */
async function filesOf(argv: string[]): Promise<Record<string, FileRead>> {
  const [noun, path] = wordsOf(argv);
  if (noun !== 'import' || !path || path === '-') return {};
  try {
    return { [path]: { text: await localIo().readFile(path) } };
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    return { [path]: { error: { ...(code ? { code } : {}), message } } };
  }
}

export async function forward(argv: string[], tokenFile: string): Promise<Printed> {
  const target = await readCliTarget(tokenFile);
  if (!target) throw new AppError('unavailable', NO_SERVER);
  const io = localIo();
  // A person at a terminal types the password here, unseen, as a local run would ask for it.
  const prompted = process.stdin.isTTY && argv.includes('--password-stdin');
  const stdin = prompted ? await newPassword() : readsStdin(argv) ? await io.stdin() : undefined;
  const command: ForwardedCommand = { argv, username: io.username, ...(stdin === undefined ? {} : { stdin }), files: await filesOf(argv) };
  let response: Response;
  try {
    response = await fetch(`${target.url}${CLI_PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(command),
    });
  } catch {
    throw new AppError('unavailable', `no server answers at ${target.url} (${tokenFile} is left from an earlier run): start it with \`npm start\`, or set REDIS_URL`);
  }
  const body = (await response.json().catch(() => ({}))) as Partial<Printed> & { message?: string };
  if (response.status === 401) throw new AppError('unavailable', `the server at ${target.url} refused the token in ${tokenFile}: it is not that server's (restart it with \`npm start\`)`);
  if (!response.ok || typeof body.stdout !== 'string' || typeof body.stderr !== 'string' || typeof body.exitCode !== 'number') {
    throw new AppError('unavailable', `the server at ${target.url} answered ${response.status}${body.message ? `: ${body.message}` : ''}`);
  }
  return { stdout: body.stdout, stderr: body.stderr, exitCode: body.exitCode };
}
