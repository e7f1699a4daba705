/**
 * Sealed cookie values for the console: an encrypted JWT (dir + A256GCM, jose) under a key derived from the
 * cookie keys. The browser can neither read (the PKCE verifier, the nonce) nor change what it carries, and the
 * expiry travels inside. The first cookie key seals; every configured one opens, so keys rotate like cookies.
 */
import { createHash } from 'node:crypto';
import { EncryptJWT, jwtDecrypt, type JWTPayload } from 'jose';
import { epochSeconds } from '../../time.js';

export interface Seal {
  seal(payload: JWTPayload, lifetimeSeconds: number): Promise<string>;
  /** The payload, or undefined when the value is not ours, was changed, or has expired. */
  open(value: string | undefined): Promise<JWTPayload | undefined>;
}

const deriveKey = (cookieKey: string) => createHash('sha256').update(`oidc-op console seal\0${cookieKey}`).digest();

export function sealWith(cookieKeys: readonly string[]): Seal {
  const keys = cookieKeys.map(deriveKey);
  if (!keys.length) throw new Error('the console needs at least one cookie key');
  return {
    seal: (payload, lifetimeSeconds) =>
      new EncryptJWT(payload)
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setIssuedAt()
        .setExpirationTime(epochSeconds() + lifetimeSeconds)
        .encrypt(keys[0]!),
    async open(value: string | undefined) {
      if (!value) return undefined;
      for (const key of keys) {
        try {
          return (await jwtDecrypt(value, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] })).payload;
        } catch {
          // another key, or not ours
        }
      }
      return undefined;
    },
  };
}

/** A seal under the cookie keys in force now (they may change while the instance runs); made again when they do. */
export function sealFollowing(cookieKeys: () => readonly string[]): Seal {
  let made: { keys: readonly string[]; seal: Seal } | undefined;
  const current = () => {
    const now = cookieKeys();
    if (made?.keys !== now) made = { keys: now, seal: sealWith(now) };
    return made.seal;
  };
  return { seal: (payload, lifetimeSeconds) => current().seal(payload, lifetimeSeconds), open: (value) => current().open(value) };
}
