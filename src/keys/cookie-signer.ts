/**
 * The signatures of oidc-provider's cookies: the Keygrip interface Koa's cookies module calls (sign, verify,
 * index), in keygrip's format (HMAC-SHA1 of "name=value", base64url), so cookies signed before stay valid and
 * rotation works as before (sign with the first key, accept any). keygrip compares a signature with the
 * double-HMAC pattern from before Node had timingSafeEqual (random bytes and two SHA-256 HMACs per comparison),
 * several times the cost of timingSafeEqual here, and every authorization reads a signed cookie.
 * Our own cookie values (device cookies) are signed by purposeSigner, under keys derived from the same cookie keys.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

export interface CookieSigner {
  sign(data: string): string;
  verify(data: string, digest: string): boolean;
  /** The position of the key that made `digest`, or -1. */
  index(data: string, digest: string): number;
}

/** Signs with the first secret, accepts any (rotation): the position of the one that made `digest`, or -1. */
function signerOf(secrets: readonly KeyObject[], algorithm: 'sha1' | 'sha256'): CookieSigner {
  const signWith = (secret: KeyObject, data: string) => createHmac(algorithm, secret).update(data).digest('base64url');
  const index = (data: string, digest: string) => {
    const given = Buffer.from(digest);
    for (let i = 0; i < secrets.length; i++) {
      const expected = Buffer.from(signWith(secrets[i]!, data));
      if (expected.length === given.length && timingSafeEqual(expected, given)) return i;
    }
    return -1;
  };
  return { sign: (data) => signWith(secrets[0]!, data), verify: (data, digest) => index(data, digest) >= 0, index };
}

export function cookieSigner(keys: readonly string[]): CookieSigner {
  if (!keys.length) throw new Error('cookie signing needs at least one key');
  return signerOf(keys.map((key) => createSecretKey(Buffer.from(key))), 'sha1');
}

/**
 * Signatures of our own cookie values (not cookies Koa signs): HMAC-SHA256 under keys derived from the cookie keys
 * for one purpose, so a value signed for one use is never accepted for another, nor as a Koa cookie's signature.
 */
export function purposeSigner(keys: readonly string[], purpose: string): CookieSigner {
  if (!keys.length) throw new Error(`${purpose} signing needs at least one cookie key`);
  const derived = keys.map((key) => createSecretKey(createHmac('sha256', key).update(`oidc-op ${purpose}`).digest()));
  return signerOf(derived, 'sha256');
}
