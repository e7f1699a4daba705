/** The relying party's side, done with the field's own libraries: openid-client and jose. */
import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyResult } from 'jose';

export async function rpConfiguration(issuer: string, clientId: string, idTokenOnly = false): Promise<client.Configuration> {
  const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
  if (idTokenOnly) client.useIdTokenResponseType(config);
  return config;
}

/**
 * at_hash per OIDC Core 3.2.2.9: the left half of the access token's hash, base64url; the hash is the one the ID
 * token's alg names (SHA-256 for RS256 and ES256, SHA-512 for EdDSA on Ed25519).
 */
export function atHash(accessToken: string, alg = 'RS256'): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : `sha${alg.slice(2)}`).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

export async function verifyIdToken(
  issuer: string,
  idToken: string,
  clientId: string,
): Promise<JWTVerifyResult<JWTPayload & Record<string, unknown>>> {
  let jwks = jwksCache.get(issuer);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    jwksCache.set(issuer, jwks);
  }
  return jwtVerify(idToken, jwks, { issuer, audience: clientId });
}
