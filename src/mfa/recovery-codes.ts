/**
 * Recovery codes: ten single-use look-up secrets shown once, kept only as hashes. Each has 50 random bits, so a
 * fast hash with the throttle in front is enough: guessing one is as hopeless as guessing a TOTP key.
 */
import { createHash, randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
// Crockford's base32 without I, L, O, U: nothing to confuse when read off paper.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 10;

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** The code as typed, in its one canonical form (case, spaces and dashes ignored), or undefined when it cannot be one. */
export function normalizeRecoveryCode(input: string): string | undefined {
  if (input.length > 64) return undefined;
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

export const hashRecoveryCode = (code: string): string => createHash('sha256').update(`recovery:${normalizeRecoveryCode(code) ?? code}`).digest('base64url');
