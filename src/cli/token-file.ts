/**
 * The development server's token file: its address and a random token, readable by its user only (0600), written when
 * it listens in memory and removed at a clean stop. The command line finds the server through it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface CliTarget {
  /** The server's loopback origin. */
  url: string;
  token: string;
}

export const newCliToken = (): string => randomBytes(32).toString('base64url');

/** The origin the command line reaches a server at: loopback when it listens on every address. */
export function loopbackUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
}

/** Written whole (a temporary file renamed over it), created 0600 in a 0700 directory. */
export async function writeCliTarget(file: string, target: CliTarget): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(target)}\n`, { mode: 0o600, flag: 'w' });
  await rename(temporary, file);
}

/** The target in the file; undefined when there is no file. */
export async function readCliTarget(file: string): Promise<CliTarget | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<CliTarget>;
    if (typeof parsed.url === 'string' && typeof parsed.token === 'string') return { url: parsed.url, token: parsed.token };
  } catch {
    // reported below
  }
  throw new Error(`${file}: not a token file the development server wrote (remove it and start the server again)`);
}

/** Removes the file if it still holds this server's token (a server started since may have written its own). */
export async function removeCliTarget(file: string, token: string): Promise<void> {
  const target = await readCliTarget(file).catch(() => undefined);
  if (target?.token === token) await rm(file, { force: true });
}
