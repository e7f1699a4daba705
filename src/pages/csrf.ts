/**
 * CSRF tokens bound to one interaction: an HMAC of its uid under a server key. Stateless (nothing stored),
 * useless for any other interaction, and unforgeable without the key; the interaction cookie still has to match.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface Csrf {
  tokenFor(uid: string): string;
  valid(uid: string, token: unknown): boolean;
}

export function csrfProtection(secret: string): Csrf {
  const key = createHmac('sha256', secret).update('oidc-op csrf key').digest();
  const tokenFor = (uid: string) => createHmac('sha256', key).update(`interaction:${uid}`).digest('base64url');
  return {
    tokenFor,
    valid(uid, token) {
      if (typeof token !== 'string') return false;
      const expected = Buffer.from(tokenFor(uid));
      const actual = Buffer.from(token);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}

/** Tokens under the secret in force now: the cookie keys an instance follows may change while it runs. */
export function csrfFollowing(secret: () => string): Csrf {
  let made: { secret: string; csrf: Csrf } | undefined;
  const current = () => {
    const now = secret();
    if (made?.secret !== now) made = { secret: now, csrf: csrfProtection(now) };
    return made.csrf;
  };
  return { tokenFor: (uid) => current().tokenFor(uid), valid: (uid, token) => current().valid(uid, token) };
}
