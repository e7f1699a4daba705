/**
 * `--against REV`: another revision of this repository checked out beside this one (a detached git worktree that
 * uses this checkout's node_modules), so ours before and after a change are measured in one run, on one machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Revision {
  /** The abbreviated commit. */
  commit: string;
  root: string;
  remove(): void;
}

export function checkoutRevision(repo: string, rev: string): Revision {
  const git = (args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const commit = git(['rev-parse', '--short', `${rev}^{commit}`]);
  const root = mkdtempSync(join(tmpdir(), `oidc-op-${commit}-`));
  git(['worktree', 'add', '--detach', root, commit]);
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  return {
    commit,
    root,
    remove() {
      git(['worktree', 'remove', '--force', root]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
