/**
 * Our private signing keys as oidc-provider's ExternalSigningKey (its documented hook for keys it does not hold):
 * the signature is made with node:crypto's one-shot `sign` on the libuv pool rather than through jose and
 * WebCrypto. Same keys, algorithms and JWS; measured on the benchmark machine, an RS256 signature costs the main
 * thread ~20 µs less and the process ~45 µs less CPU (WebCrypto normalises the algorithm and builds a job per
 * call), ES256 ~22 µs and ~30 µs less (README, Benchmarks). Keys of another algorithm stay plain JWKs.
 */
import { createPrivateKey, createPublicKey, sign, type JsonWebKey, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import { ExternalSigningKey, type JWK } from 'oidc-provider';
import type { PrivateJwks } from '../settings.js';

type PrivateJwk = PrivateJwks['keys'][number];

/** node:crypto's digest per JWS algorithm (EdDSA names none), and whether ECDSA signatures need JWS's r||s form. */
const ALGORITHMS: Record<string, { digest: string | null; ieeeP1363: boolean }> = {
  RS256: { digest: 'sha256', ieeeP1363: false },
  ES256: { digest: 'sha256', ieeeP1363: true },
  EdDSA: { digest: null, ieeeP1363: false },
};

export class LocalSigningKey extends ExternalSigningKey {
  #kid: string;
  #alg: string;
  readonly #public: KeyObject;
  readonly #key: KeyObject | SignKeyObjectInput;
  readonly #digest: string | null;

  constructor(jwk: PrivateJwk & { alg: string }) {
    super();
    const algorithm = ALGORITHMS[jwk.alg];
    if (!algorithm) throw new Error(`no local signing for ${jwk.alg}`);
    this.#kid = jwk.kid;
    this.#alg = jwk.alg;
    const privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
    this.#public = createPublicKey(privateKey);
    this.#key = algorithm.ieeeP1363 ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey;
    this.#digest = algorithm.digest;
  }

  // oidc-provider reads these, and may write them while it checks its configuration.
  override get kid(): string {
    return this.#kid;
  }
  override set kid(value: string) {
    this.#kid = value;
  }
  override get alg(): string {
    return this.#alg;
  }
  override set alg(value: string) {
    this.#alg = value;
  }

  override keyObject(): KeyObject {
    return this.#public;
  }

  override sign(data: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) => sign(this.#digest, data, this.#key, (err, signature) => (err ? reject(err) : resolve(signature))));
  }
}

const signsLocally = (jwk: PrivateJwk): jwk is PrivateJwk & { alg: string } => typeof jwk.alg === 'string' && jwk.alg in ALGORITHMS;

/** The key set oidc-provider gets: every key of an algorithm we sign locally as a LocalSigningKey, the rest as they are. */
export const signingKeys = (jwks: PrivateJwks): { keys: (JWK | ExternalSigningKey)[] } => ({
  keys: jwks.keys.map((jwk) => (signsLocally(jwk) ? new LocalSigningKey(jwk) : (jwk as JWK))),
});
