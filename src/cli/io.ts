/**
 * What a command reads from outside the store: who runs it, standard input and files. A local run reads its own; a
 * command forwarded to the development server runs with what the command line read and sent (cli/forward.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';

export interface CommandIo {
  /** The operating-system user who ran the command line. */
  username: string;
  /** Standard input, whole; undefined when it is a terminal (nothing was piped in). */
  stdin(): Promise<string | undefined>;
  readFile(path: string): Promise<string>;
}

async function readProcessStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const localIo = (): CommandIo => ({ username: userInfo().username, stdin: readProcessStdin, readFile: (path) => readFile(path, 'utf8') });

const current = new AsyncLocalStorage<CommandIo>();

/** Runs fn with io as what its commands read. */
export const withIo = <T>(io: CommandIo, fn: () => Promise<T>): Promise<T> => current.run(io, fn);

/** Whether the command running now was sent by a command line elsewhere (its stdin and files came with it). */
export const forwarded = (): boolean => current.getStore() !== undefined;

/** The io of the command running now: a forwarded one's, else this process's own. */
export const commandIo = (): CommandIo => current.getStore() ?? localIo();
