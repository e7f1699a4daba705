/**
 * Active Directory's domain lockout duration (`lockoutDuration` on the domain root), read once per pool of
 * connections and kept for a while: a `lockoutTime` older than it no longer locks the account.
 */
import type { Client } from 'ldapts';
import type { DirectoryRecord } from './directory-record.js';
import { isLdapAnswer, type LdapConnections, type StepLog } from './ldap-connections.js';

/** How long a domain's lockout duration is kept before it is read again. */
const KEEP_MS = 10 * 60 * 1000;
/** AD's "until an administrator unlocks it" (the smallest 64-bit integer). */
const FOREVER = -9223372036854775808n;

type Read = { duration: bigint | undefined; until: number };
const cache = new WeakMap<LdapConnections, Map<string, Read>>();

/** The domain root under a DN: its trailing DC= components (`cn=Users,dc=ad,dc=example` → `dc=ad,dc=example`). */
export function domainRootOf(dn: string): string | undefined {
  const parts = dn.split(/,(?=\s*dc=)/i);
  const at = parts.findIndex((p) => /^\s*dc=/i.test(p));
  if (at < 0) return undefined;
  const root = parts.slice(at).join(',').trim();
  return /^(\s*dc=[^,]+)(,\s*dc=[^,]+)*$/i.test(root) ? root : undefined;
}

/**
 * A `lockoutDuration` value as the lockout's length in 100-ns intervals; undefined when the lockout lasts until an
 * administrator ends it (0 or the smallest integer) or the value is not one.
 */
export function lockoutLength(value: string | undefined): bigint | undefined {
  if (value === undefined || !/^-?\d{1,19}$/.test(value)) return undefined;
  const v = BigInt(value);
  if (v === 0n || v === FOREVER) return undefined;
  return v < 0n ? -v : v;
}

/** The domain's lockout length (100-ns intervals), or undefined when a lockout lasts until an administrator ends it. */
export async function lockoutDurationOf(connections: LdapConnections, client: Client, d: DirectoryRecord, log?: StepLog): Promise<bigint | undefined> {
  const root = domainRootOf(d.userBase);
  if (!root) return undefined;
  const known = cache.get(connections) ?? new Map<string, Read>();
  cache.set(connections, known);
  const key = `${d.name}\u0000${root}`;
  const hit = known.get(key);
  if (hit && hit.until > Date.now()) return hit.duration;
  const { searchEntries } = await client.search(root, { scope: 'base', filter: '(objectClass=*)', attributes: ['lockoutDuration'], sizeLimit: 1 }).catch((err: unknown) => {
    // A root we may not read: a lockout stays a lockout.
    if (isLdapAnswer(err)) return { searchEntries: [] };
    throw err;
  });
  const raw = searchEntries[0]?.lockoutDuration;
  const duration = lockoutLength(Array.isArray(raw) ? String(raw[0]) : raw === undefined ? undefined : String(raw));
  known.set(key, { duration, until: Date.now() + KEEP_MS });
  log?.('lockout duration', true, `${root}: ${duration === undefined ? 'until unlocked' : `${duration / 10_000_000n} s`}`);
  return duration;
}
