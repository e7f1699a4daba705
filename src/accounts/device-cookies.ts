/**
 * Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): proof, signed with the cookie keys,
 * that this browser has signed in to an account, so that its attempts there are throttled on its own bucket.
 */
import { randomBytes } from 'node:crypto';
import { purposeSigner, type CookieSigner } from '../keys/cookie-signer.js';
import { usernameKey } from './users.js';

export const DEVICE_COOKIE = 'op_device';
/** Long-lived: the owner's way in while strangers trip the account's throttle. */
export const DEVICE_COOKIE_MAX_AGE_MS = 365 * 24 * 3600 * 1000;
/** Accounts one browser is remembered for (a shared computer); the one signed in to longest ago gives way. */
export const DEVICE_COOKIE_ACCOUNTS = 5;

// One entry: nonce "." HMAC-SHA256(username key, nonce), both base64url; entries joined by "~".
const ENTRY = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const MAX_COOKIE_LENGTH = DEVICE_COOKIE_ACCOUNTS * 67;

export interface DeviceCookies {
  /** The device id of `cookie`'s valid entry for `username` (its nonce), or undefined. */
  deviceFor(cookie: string | undefined, username: string): string | undefined;
  /** The cookie after a sign-in to `username`: its entry first (kept, re-signed with the current key, or new). */
  afterSignIn(cookie: string | undefined, username: string): string;
}

/** The well-formed entries of a cookie from the browser, bounded in size and number before anything else reads them. */
function entriesOf(cookie: string | undefined): { nonce: string; mac: string }[] {
  if (!cookie || cookie.length > MAX_COOKIE_LENGTH) return [];
  return cookie
    .split('~')
    .slice(0, DEVICE_COOKIE_ACCOUNTS)
    .flatMap((entry) => {
      const match = ENTRY.exec(entry);
      return match ? [{ nonce: match[1]!, mac: match[2]! }] : [];
    });
}

/** `cookieKeys` is read at each use: the keys an instance follows may change (rotation, a restore of Redis). */
export function deviceCookies(cookieKeys: () => readonly string[], newNonce = () => randomBytes(16).toString('base64url')): DeviceCookies {
  let made: { keys: readonly string[]; signer: CookieSigner } | undefined;
  const signerNow = () => {
    const keys = cookieKeys();
    if (made?.keys !== keys) made = { keys, signer: purposeSigner(keys, 'device cookie') };
    return made.signer;
  };
  const signer: Pick<CookieSigner, 'sign' | 'verify'> = { sign: (v) => signerNow().sign(v), verify: (v, mac) => signerNow().verify(v, mac) };
  const signed = (username: string, nonce: string) => `${nonce}:${usernameKey(username)}`;
  const entryFor = (username: string, nonce: string) => `${nonce}.${signer.sign(signed(username, nonce))}`;
  const mine = (username: string) => (e: { nonce: string; mac: string }) => signer.verify(signed(username, e.nonce), e.mac);

  return {
    deviceFor: (cookie, username) => entriesOf(cookie).find(mine(username))?.nonce,
    afterSignIn(cookie, username) {
      const entries = entriesOf(cookie);
      const own = entries.find(mine(username));
      const others = entries.filter((e) => e !== own).map((e) => `${e.nonce}.${e.mac}`);
      return [entryFor(username, own?.nonce ?? newNonce()), ...others].slice(0, DEVICE_COOKIE_ACCOUNTS).join('~');
    },
  };
}
