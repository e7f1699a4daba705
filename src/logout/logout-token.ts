/**
 * The logout token of OpenID Connect Back-Channel Logout 1.0 (section 2.4): a JWT signed like the client's ID tokens,
 * with iss, aud, iat, exp, jti, the back-channel event, sub and (when the client requires it) sid; never a nonce.
 */
import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type CryptoKey, type KeyObject } from 'jose';
import type { PrivateJwks } from '../config/key-files.js';
import { keyAlg } from '../keys/signing-algs.js';

export const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** How long a logout token is accepted: long enough for the retries of one delivery. */
export const LOGOUT_TOKEN_TTL = 120;

type Jwk = PrivateJwks['keys'][number];

export interface LogoutClaims {
  issuer: string;
  clientId: string;
  sub: string;
  /** The session id the client saw in its ID token; left out when the client does not require it. */
  sid?: string;
}

const imported = new WeakMap<Jwk, Promise<CryptoKey | KeyObject | Uint8Array>>();

/** Signs a logout token with the first key in service for `alg`; throws when none is. */
export async function signLogoutToken(claims: LogoutClaims, jwks: PrivateJwks, alg: string, now = Math.floor(Date.now() / 1000)): Promise<string> {
  const jwk = jwks.keys.find((k) => keyAlg(k) === alg);
  if (!jwk) throw new Error(`no signing key for ${alg} is in service`);
  let key = imported.get(jwk);
  if (!key) {
    key = importJWK(jwk as Parameters<typeof importJWK>[0], alg);
    imported.set(jwk, key);
  }
  return new SignJWT({
    events: { [BACKCHANNEL_EVENT]: {} },
    ...(claims.sid ? { sid: claims.sid } : {}),
  })
    .setProtectedHeader({ alg, typ: 'logout+jwt', ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}) })
    .setIssuer(claims.issuer)
    .setAudience(claims.clientId)
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + LOGOUT_TOKEN_TTL)
    .setJti(randomUUID())
    .sign(await key);
}
