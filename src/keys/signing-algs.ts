/**
 * Which of our ID token algorithms a set of signing keys can serve. A client's id_token_signed_response_alg
 * (or the provider-wide default) is only offered when a key for it is in service: a configured JWKS without an
 * Ed25519 key makes EdDSA unavailable rather than failing at the first sign-in.
 */
import { SIGNING_ALGS, type SigningAlg } from '../config/id-token-algs.js';
import type { PrivateJwks } from '../config/key-files.js';
import { SettingsError } from '../config/settings-error.js';

type Jwk = PrivateJwks['keys'][number];

/** The algorithm a key signs: its `alg` when given, else the one its type and curve allow among ours. */
export function keyAlg(jwk: Jwk): string | undefined {
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (typeof jwk.alg === 'string') return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

/** Our algorithms that have a signing key in `jwks`, in our order. */
export function signingAlgsOf(jwks: PrivateJwks): SigningAlg[] {
  const held = new Set(jwks.keys.map(keyAlg));
  return SIGNING_ALGS.filter((alg) => held.has(alg));
}

/** Why `alg` cannot sign ID tokens with these algorithms in service, or undefined. */
export function signingAlgProblem(alg: string, available: readonly string[]): string | undefined {
  if (available.includes(alg)) return undefined;
  if (!(SIGNING_ALGS as readonly string[]).includes(alg)) return `${alg} is not offered (one of ${SIGNING_ALGS.join(', ')})`;
  return `no signing key for ${alg} is in service (the keys sign ${available.join(', ') || 'none of ours'})`;
}

/** Start-up check: the provider-wide default must be one the keys in service can sign. */
export function requireDefaultSigningAlg(alg: SigningAlg, available: readonly string[]): void {
  const problem = signingAlgProblem(alg, available);
  if (problem) throw new SettingsError(`ID_TOKEN_SIGNING_ALG=${alg}: ${problem}; add a key for it to JWKS or choose another`);
}
