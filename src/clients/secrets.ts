/**
 * Client secrets are 256 random bits, so a plain SHA-256 is a sufficient one-way store (a slow hash
 * guards low-entropy passwords, not random keys). Stored as "sha256:<base64url>"; config files may
 * still give a plain secret.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256:';

export const generateClientSecret = () => randomBytes(32).toString('base64url');
export const isSecretHash = (value: string) => value.startsWith(PREFIX);
export const hashClientSecret = (secret: string) => PREFIX + createHash('sha256').update(secret).digest('base64url');

/** Constant-time comparison of a presented secret with a stored (hashed or plain) one. */
export function clientSecretMatches(stored: string | undefined, presented: string): boolean {
  if (!stored) return false;
  const expected = Buffer.from(stored.startsWith(PREFIX) ? stored : hashClientSecret(stored));
  const actual = Buffer.from(hashClientSecret(presented));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
