/**
 * A directory account's state, read from its entry before any bind (so a disabled or locked account costs the
 * directory no failed bind) and from a refused bind's diagnostic (Active Directory's `data NNN`): each state gets
 * its own message on the login page instead of "wrong password".
 */
import type { DirectoryKind } from './directory-record.js';

export type AccountState = 'disabled' | 'locked' | 'password_expired' | 'must_change' | 'account_expired';

/** The operational attributes the states are read from, asked for by name (they are not returned otherwise). */
export const STATE_ATTRIBUTES: Record<DirectoryKind, string[]> = {
  openldap: ['pwdAccountLockedTime', 'pwdReset', 'pwdChangedTime', 'pwdPolicySubentry'],
  'active-directory': ['userAccountControl', 'lockoutTime', 'pwdLastSet', 'accountExpires'],
};

const UAC_DISABLED = 0x2;
const UAC_LOCKOUT = 0x10;
const UAC_PASSWORD_EXPIRED = 0x800000;
/** accountExpires for "never": 0 or the largest FILETIME. */
const NEVER = new Set(['0', '9223372036854775807']);
/** 100-ns intervals between 1601-01-01 and 1970-01-01. */
const FILETIME_EPOCH = 116444736000000000n;

const first = (value: unknown): string | undefined => {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined ? undefined : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
};

function filetimeBefore(value: string, now: Date): boolean {
  if (!/^\d{1,19}$/.test(value) || NEVER.has(value)) return false;
  return BigInt(value) < FILETIME_EPOCH + BigInt(now.getTime()) * 10000n;
}

/** Whether a `lockoutTime` (FILETIME) plus the lockout length lies in the past. */
function lockoutPassed(lockoutTime: string, now: Date, length: bigint | undefined): boolean {
  if (length === undefined || !/^\d{1,19}$/.test(lockoutTime)) return false;
  return BigInt(lockoutTime) + length <= FILETIME_EPOCH + BigInt(now.getTime()) * 10000n;
}

/** Whether an Active Directory entry carries a lockout time (that the domain's lockout duration may have ended). */
export const hasLockoutTime = (entry: Record<string, unknown>): boolean => {
  const v = first(entry.lockoutTime);
  return v !== undefined && v !== '0';
};

/**
 * The state an entry shows, or undefined when it may sign in. `lockoutLength` (Active Directory, 100-ns intervals):
 * the domain's lockout duration, past which a `lockoutTime` no longer locks; absent, any `lockoutTime` locks.
 */
export function stateOfEntry(kind: DirectoryKind, entry: Record<string, unknown>, now = new Date(), lockoutLength?: bigint): AccountState | undefined {
  if (kind === 'active-directory') {
    const uac = Number(first(entry.userAccountControl) ?? 0);
    if (uac & UAC_DISABLED) return 'disabled';
    const lockout = first(entry.lockoutTime);
    if (uac & UAC_LOCKOUT || (lockout !== undefined && lockout !== '0' && !lockoutPassed(lockout, now, lockoutLength))) return 'locked';
    const expires = first(entry.accountExpires);
    if (expires !== undefined && filetimeBefore(expires, now)) return 'account_expired';
    if (uac & UAC_PASSWORD_EXPIRED) return 'password_expired';
    if (first(entry.pwdLastSet) === '0') return 'must_change';
    return undefined;
  }
  if (first(entry.pwdAccountLockedTime) !== undefined) return 'locked';
  if (first(entry.pwdReset)?.toUpperCase() === 'TRUE') return 'must_change';
  return undefined;
}

/** An LDAP GeneralizedTime (`20260101120000Z`, `20260101120000.5Z`) as a Date; undefined when it is not one. */
export function generalizedTime(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,]\d{1,6})?Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls month 13 over into the next year: a field out of range is no time.
  return at.getUTCMonth() === mo - 1 && at.getUTCDate() === d && at.getUTCHours() === h && at.getUTCMinutes() === mi && at.getUTCSeconds() === s ? at : undefined;
}

/** The policy DN an OpenLDAP entry names (`pwdPolicySubentry`), if any. */
export const policyOfEntry = (entry: Record<string, unknown>): string | undefined => first(entry.pwdPolicySubentry);

/** A policy's `pwdMaxAge` in seconds; undefined when absent or not a whole number. */
export function maxAgeOf(value: unknown): number | undefined {
  const v = first(value);
  return v !== undefined && /^\d{1,12}$/.test(v) ? Number(v) : undefined;
}

/**
 * OpenLDAP's expired password, read from the entry (ldapts does not expose ppolicy's bind response control):
 * `pwdChangedTime` + the policy's `pwdMaxAge` in the past. A max age of 0 (or none) never expires.
 */
export function passwordExpiredOn(entry: Record<string, unknown>, maxAgeSeconds: number | undefined, now = new Date()): boolean {
  if (!maxAgeSeconds || maxAgeSeconds <= 0) return false;
  const changed = first(entry.pwdChangedTime);
  const at = changed === undefined ? undefined : generalizedTime(changed);
  return at !== undefined && now.getTime() > at.getTime() + maxAgeSeconds * 1000;
}

/** Active Directory's reason for a refused bind (`…, data 775, …`). */
const AD_BIND_DATA: Record<string, AccountState> = {
  '530': 'disabled', // not permitted to log on at this time
  '531': 'disabled', // not permitted to log on at this workstation
  '532': 'password_expired',
  '533': 'disabled',
  '701': 'account_expired',
  '773': 'must_change',
  '775': 'locked',
};

/** The state a refused bind's message names, if any (Active Directory's data code; OpenLDAP's ppolicy text). */
export function stateOfBindError(message: string): AccountState | undefined {
  const code = /\bdata ([0-9a-f]{3})\b/i.exec(message)?.[1];
  if (code && AD_BIND_DATA[code]) return AD_BIND_DATA[code];
  if (/account locked/i.test(message)) return 'locked';
  if (/password expired/i.test(message)) return 'password_expired';
  return undefined;
}
