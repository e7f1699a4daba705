/**
 * Generated keys: made once, then kept in the store so a restart keeps sessions and tokens valid.
 * Two instances starting together agree: the first insert wins and both read it back.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { PrivateJwks } from '../settings.js';
import type { Collection } from '../storage/collection.js';
import type { KeyGeneration } from './keyring.js';

/** What the key store holds: signing key generations (or, from earlier versions, one key set) and cookie keys. */
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

async function getOrCreate<T>(store: Collection<T>, id: string, make: () => Promise<T> | T): Promise<T> {
  const existing = await store.get(id);
  if (existing) return existing;
  await store.insert(id, await make());
  const kept = await store.get(id);
  if (!kept) throw new Error(`generated ${id} keys were not kept by the store`);
  return kept;
}

export async function keptCookieKeys(store: Collection<KeyMaterial>): Promise<string[]> {
  const material = await getOrCreate<KeyMaterial>(store, 'cookies', () => ({ cookieKeys: generateCookieKeys() }));
  if (!('cookieKeys' in material)) throw new Error('stored cookie keys are malformed');
  return material.cookieKeys;
}
