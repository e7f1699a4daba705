/**
 * The settings of a first contact: the first administrator given in the environment (BOOTSTRAP_ADMIN_*), and the file
 * through which the command line reaches the in-memory development server (CLI_TOKEN_FILE).
 */
import { resolve } from 'node:path';
import { PASSWORD_MAX } from '../input-bounds.js';
import type { Env } from './env.js';
import { readTextFile, shown } from './files.js';
import { SettingsError } from './settings-error.js';

export interface BootstrapAdmin {
  username: string;
  password: string;
}

/** The first administrator to create when none exists; undefined when BOOTSTRAP_ADMIN_USERNAME is not set. */
export function readBootstrapAdmin(e: Pick<Env, 'BOOTSTRAP_ADMIN_USERNAME' | 'BOOTSTRAP_ADMIN_PASSWORD' | 'BOOTSTRAP_ADMIN_PASSWORD_FILE'>): BootstrapAdmin | undefined {
  const { BOOTSTRAP_ADMIN_USERNAME: username, BOOTSTRAP_ADMIN_PASSWORD: inline, BOOTSTRAP_ADMIN_PASSWORD_FILE: file } = e;
  if (inline && file) throw new SettingsError('BOOTSTRAP_ADMIN_PASSWORD and BOOTSTRAP_ADMIN_PASSWORD_FILE: set one of them, not both');
  if (!username) {
    if (inline || file) throw new SettingsError(`${inline ? 'BOOTSTRAP_ADMIN_PASSWORD' : 'BOOTSTRAP_ADMIN_PASSWORD_FILE'}: needs BOOTSTRAP_ADMIN_USERNAME`);
    return undefined;
  }
  const password = file ? readTextFile(file, 'BOOTSTRAP_ADMIN_PASSWORD_FILE').replace(/\r?\n$/, '') : inline;
  if (!password) throw new SettingsError('BOOTSTRAP_ADMIN_USERNAME: needs BOOTSTRAP_ADMIN_PASSWORD or BOOTSTRAP_ADMIN_PASSWORD_FILE');
  if (file && password.length > PASSWORD_MAX) throw new SettingsError(`BOOTSTRAP_ADMIN_PASSWORD_FILE ${shown(file)}: at most ${PASSWORD_MAX} characters`);
  return { username, password };
}

/** Where the development server leaves its address and token for the command line. */
export const cliTokenFile = (e: Pick<Env, 'CLI_TOKEN_FILE'>, cwd = process.cwd()): string => resolve(cwd, e.CLI_TOKEN_FILE ?? '.oidc-op/cli-token');
