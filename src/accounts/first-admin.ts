/**
 * The first administrator: created from BOOTSTRAP_ADMIN_* at start, and only while no administrator exists. Instances
 * starting together each try; the username is unique in the store, so one insert wins and the others find it taken.
 */
import type { BootstrapAdmin } from '../config/first-contact.js';
import { UserError, type Users } from './users.js';

export type FirstAdmin =
  /** An administrator existed already: the bootstrap settings, if any, were not used. */
  | { outcome: 'present' }
  /** Created now from the bootstrap settings. */
  | { outcome: 'created'; username: string }
  /** The name was taken: by another instance's bootstrap (an administrator), or by a plain user (left as it is). */
  | { outcome: 'taken'; username: string; admin: boolean }
  /** No administrator, and no bootstrap settings. */
  | { outcome: 'none' };

export async function ensureFirstAdmin(users: Pick<Users, 'list' | 'create' | 'findByUsername'>, bootstrap: BootstrapAdmin | undefined): Promise<FirstAdmin> {
  // The named user settles it without reading every user (the usual restart once the bootstrap has been used).
  const named = bootstrap && (await users.findByUsername(bootstrap.username));
  if (named) return named.role === 'admin' ? { outcome: 'present' } : { outcome: 'taken', username: bootstrap.username, admin: false };
  if ((await users.list()).some((user) => user.role === 'admin' && !user.disabled)) return { outcome: 'present' };
  if (!bootstrap) return { outcome: 'none' };
  const { username, password } = bootstrap;
  try {
    await users.create({ username, password, role: 'admin' });
    return { outcome: 'created', username };
  } catch (err) {
    if (!(err instanceof UserError && err.code === 'exists')) throw err;
    const holder = await users.findByUsername(username);
    return { outcome: 'taken', username, admin: holder?.role === 'admin' };
  }
}

/** The command that makes an administrator, as the start banner and log print it. */
export const createAdminCommand = (cli = 'npx oidc-op'): string => `printf '%s\\n' 'A-STRONG-PASSWORD' | ${cli} user create --username admin --role admin --password-stdin`;
