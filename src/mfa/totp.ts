/**
 * Authenticator apps (RFC 6238) through otpauth: SHA-1, six digits, thirty seconds, what every phone app follows.
 * A code is matched against the current step and one either side; which step it matched is what the replay set keeps.
 */
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of the current one a code may come from (clock drift, a code typed as it changed). */
export const TOTP_WINDOW = 1;

/** A new shared key (160 bits, RFC 4226's recommendation), in base32 as apps take it. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

const totpOf = (secret: string, issuer = '', label = '') =>
  new TOTP({ issuer, label, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD });

/** The otpauth:// URI an app scans: the issuer and the account name label the entry. */
export const totpUri = (secret: string, issuer: string, label: string): string => totpOf(secret, issuer, label).toString();

/** Spaces and dashes people type between groups of digits are ignored; anything else but six digits is malformed. */
export function normalizeCode(input: string): string | undefined {
  const code = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(code) ? code : undefined;
}

/** The time step `code` belongs to, within the window around `now` (epoch ms), or undefined when it matches none. */
export function matchingStep(secret: string, code: string, now: number): number | undefined {
  const delta = totpOf(secret).validate({ token: code, timestamp: now, window: TOTP_WINDOW });
  return delta === null ? undefined : Math.floor(now / 1000 / TOTP_PERIOD) + delta;
}

/** Groups of four characters: easier to type from the page into an app. */
export const groupedSecret = (secret: string): string => secret.replace(/(.{4})/g, '$1 ').trim();
