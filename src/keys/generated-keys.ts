/**
 * Generated keys: made once, then kept in the store so a restart keeps sessions and tokens valid.
 * Two instances starting together agree: the first insert wins and both read it back. When the store loses
 * them (flushed, failed over to an empty replica, restored from an older copy), an instance writes back the
 * ones it holds rather than making new ones, so the others, and those starting later, converge on them.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { PrivateJwks } from '../config/key-files.js';
import type { Collection } from '../storage/collection.js';

/** What the key store holds: signing key generations (or, from earlier versions, one key set) and cookie keys. */
export interface KeyGeneration {
  keys: PrivateJwks['keys'];
  createdAt: number;
  /** Epoch ms from which this generation signs. */
  activeFrom: number;
  /** Epoch ms an administrator retired it (it is no longer published). */
  retiredAt?: number;
}

export type KeyMaterial = { generations: KeyGeneration[] } | { jwks: PrivateJwks } | { cookieKeys: string[] };

async function withKid(jwk: JWK, alg: string): Promise<PrivateJwks['keys'][number]> {
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg, use: 'sig' } as PrivateJwks['keys'][number];
}

/** One key per supported algorithm; oidc-provider signs with the first that matches the client's alg. */
export async function generateSigningKeys(): Promise<PrivateJwks> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as JWK;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK;
  const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as JWK;
  return { keys: await Promise.all([withKid(rsa, 'RS256'), withKid(ec, 'ES256'), withKid(ed, 'EdDSA')]) };
}

export const generateCookieKeys = () => [randomBytes(32).toString('base64url')];

/** Called when this instance wrote back keys the store had lost (its write won), with the record's id. */
export type OnRestored = (id: 'cookies' | 'signing') => void;

/**
 * The stored record; when there is none, `fallback` inserted (only if still absent: the first writer wins) and
 * what the store then holds. `inserted` says whether this call's insert won.
 */
export async function getOrInsert<T>(store: Collection<T>, id: string, fallback: () => Promise<T> | T): Promise<{ kept: T; inserted: boolean }> {
  const existing = await store.get(id);
  if (existing) return { kept: existing, inserted: false };
  const inserted = await store.insert(id, await fallback());
  const kept = await store.get(id);
  if (!kept) throw new Error(`keys ${id}: written to the store but not read back`);
  return { kept, inserted };
}

/**
 * The stored cookie keys. Missing: the ones this instance `held` (it used them before the store lost them)
 * are written back, or at first start new ones; `onRestored` hears of a write-back that won.
 */
export async function keptCookieKeys(store: Collection<KeyMaterial>, held?: string[], onRestored?: OnRestored): Promise<string[]> {
  const { kept, inserted } = await getOrInsert<KeyMaterial>(store, 'cookies', () => ({ cookieKeys: held ?? generateCookieKeys() }));
  if (!('cookieKeys' in kept)) throw new Error('keys cookies: the stored record has no cookieKeys');
  if (inserted && held) onRestored?.('cookies');
  return kept.cookieKeys;
}
