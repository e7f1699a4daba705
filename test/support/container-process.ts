/**
 * A process run the way a container runs it: inside the container's network namespace, as the image's user (no
 * supplementary groups, no capabilities), with the container's environment and working directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ImageUser } from './image-build.js';

export interface Container {
  namespace: string;
  user: ImageUser;
  cwd: string;
  env: Record<string, string>;
}

export function containerSpawn(container: Container, argv: string[]): ChildProcess {
  const { namespace, user, cwd, env } = container;
  // `ip netns exec` and setpriv both exec, so the child's pid is the command's own: signals reach it directly.
  const wrapped = ['netns', 'exec', namespace, 'setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', ...argv];
  return spawn('ip', wrapped, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `docker exec`: runs a command to its end; resolves with its exit code and output (never rejects on a failure). */
export async function containerExec(container: Container, argv: string[]): Promise<{ code: number | null; output: string }> {
  const child = containerSpawn(container, argv);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('close', (c) => resolve(c));
  });
  return { code, output };
}
