/**
 * A process run the way a container runs it: inside the container's network namespace, as the image's user (no
 * supplementary groups, no capabilities), with the container's environment and working directory. A container's
 * main process also gets its own PID namespace, where it is PID 1: without a handler of its own it ignores SIGTERM,
 * as in a container, which is what compose's `init: true` (tini, which Docker ships as docker-init) is for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ImageUser } from './image-build.js';

export interface Container {
  namespace: string;
  user: ImageUser;
  cwd: string;
  env: Record<string, string>;
}

function run(container: Container, prefix: string[], argv: string[]): ChildProcess {
  const { namespace, user, cwd, env } = container;
  // `ip netns exec`, unshare's child and setpriv all exec: the command keeps the pid they start with.
  const setpriv = ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--'];
  return spawn('ip', ['netns', 'exec', namespace, ...prefix, ...setpriv, ...argv], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The container's main process. Signal it through `pid1`; the returned process exits with its exit code. */
export function containerStart(container: Container, argv: string[], { init = false } = {}): ChildProcess {
  return run(container, ['unshare', '--pid', '--fork'], init ? ['tini', '--', ...argv] : argv);
}

/** The pid (here) of a started container's PID 1, which `docker stop` signals; unshare's own until it has forked. */
export function pid1(started: ChildProcess): number {
  const pid = started.pid!;
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children ? Number(children.split(' ')[0]) : pid;
  } catch {
    return pid; // gone already
  }
}

/** `docker exec`: runs a command to its end; resolves with its exit code and output (never rejects on a failure). */
export async function containerExec(container: Container, argv: string[]): Promise<{ code: number | null; output: string }> {
  const child = run(container, [], argv);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('close', (c) => resolve(c));
  });
  return { code, output };
}
