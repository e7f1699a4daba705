/** Verifies the provider's ID tokens with jose: keys from the jwks_uri that discovery names, then iss, aud and exp. */
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

// #region jose
export async function idTokenVerifier(issuer: string, clientId: string) {
  const discovery = await fetch(new URL(`${issuer}/.well-known/openid-configuration`));
  if (!discovery.ok) throw new Error(`discovery answered ${discovery.status}`);
  const metadata = (await discovery.json()) as { issuer: string; jwks_uri: string };
  // Fetched once, cached, and fetched again when a token names a key the set does not have (key rotation).
  const keys = createRemoteJWKSet(new URL(metadata.jwks_uri));

  return async (idToken: string, nonce?: string): Promise<JWTPayload> => {
    const { payload } = await jwtVerify(idToken, keys, {
      issuer: metadata.issuer,
      audience: clientId,
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      requiredClaims: ['sub', 'iat', 'exp'],
    });
    if (nonce !== undefined && payload.nonce !== nonce) throw new Error('the ID token answers another request (nonce)');
    return payload;
  };
}
// #endregion jose
