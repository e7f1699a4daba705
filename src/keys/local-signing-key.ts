/**
 * Our private signing keys as oidc-provider's ExternalSigningKey (its documented hook for keys it does not hold):
 * the signature is made with node:crypto's one-shot `sign` rather than through jose and WebCrypto, which
 * normalises the algorithm and builds a job for the libuv pool on every call. Same keys, algorithms and JWS.
 *
 * We also choose where each signature is made. Handing one to the pool costs a thread switch each way, and on a
 * busy machine the pool's threads take the CPU from the event loop that hands them work. That only pays for an
 * expensive signature (RSA, an order of magnitude dearer than ECDSA and EdDSA) and only with a core that none of our
 * processes keeps busy: with a worker per core every signature is made inline; in one process RS256 goes to the
 * pool, which leaves the event loop more room (docs/performance.md).
 */
import { createPrivateKey, createPublicKey, sign, type JsonWebKey, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import { ExternalSigningKey, type JWK } from 'oidc-provider';
import type { PrivateJwks } from '../config/key-files.js';

type PrivateJwk = PrivateJwks['keys'][number];

/** How many processes of ours share the machine's cores (WORKERS, 1 without). */
export interface SigningPlacement {
  processes: number;
  cores: number;
}

/** Whether a signature of `alg` goes to the libuv pool (else it is made inline, on the event loop). */
export const signsOnPool = (alg: string, { processes, cores }: SigningPlacement): boolean => alg === 'RS256' && processes < cores;

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
  readonly #onPool: boolean;

  constructor(jwk: PrivateJwk & { alg: string }, onPool: boolean) {
    super();
    const algorithm = ALGORITHMS[jwk.alg];
    if (!algorithm) throw new Error(`no local signing for ${jwk.alg}`);
    this.#kid = jwk.kid;
    this.#alg = jwk.alg;
    const privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
    this.#public = createPublicKey(privateKey);
    this.#key = algorithm.ieeeP1363 ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey;
    this.#digest = algorithm.digest;
    this.#onPool = onPool;
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

  /** oidc-provider awaits what this returns: a signature made inline is returned as it is. */
  override sign(data: Uint8Array): Promise<Uint8Array> | Uint8Array {
    if (!this.#onPool) return sign(this.#digest, data, this.#key);
    return new Promise((resolve, reject) => sign(this.#digest, data, this.#key, (err, signature) => (err ? reject(err) : resolve(signature))));
  }
}

const signsLocally = (jwk: PrivateJwk): jwk is PrivateJwk & { alg: string } => typeof jwk.alg === 'string' && jwk.alg in ALGORITHMS;

/** The key set oidc-provider gets: every key of an algorithm we sign locally as a LocalSigningKey, the rest as they are. */
export const signingKeys = (jwks: PrivateJwks, placement: SigningPlacement): { keys: (JWK | ExternalSigningKey)[] } => ({
  keys: jwks.keys.map((jwk) => (signsLocally(jwk) ? new LocalSigningKey(jwk, signsOnPool(jwk.alg, placement)) : (jwk as JWK))),
});
