/**
 * A secret we must keep to use (a directory's bind password, an upstream's client secret), at rest: with
 * KEYS_ENCRYPTION_KEY set, a JWE (jose, `dir` + A256GCM) whose header names its owner, so Redis and an export never
 * hold it in plain text and one owner's sealed secret cannot stand in for another's.
 */
import { CompactEncrypt, compactDecrypt } from 'jose';
import { AppError } from '../errors.js';

const PREFIX = 'sealed:';

/** Whose secret it is: `rid` goes in the JWE header; `label`, `what` and `field` name it in a refusal. */
export interface SecretOwner {
  rid: string;
  label: string;
  what: string;
  field: string;
}

/** Whether a stored or exported secret is sealed (a JWE) rather than plain. */
export const isSealed = (value: string): boolean => value.startsWith(PREFIX);

export async function sealSecret(key: Uint8Array | undefined, owner: SecretOwner, secret: string): Promise<string> {
  if (!key) return secret;
  const jwe = await new CompactEncrypt(new TextEncoder().encode(secret)).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', rid: owner.rid }).encrypt(key);
  return `${PREFIX}${jwe}`;
}

export async function openSecret(key: Uint8Array | undefined, owner: SecretOwner, stored: string): Promise<string> {
  if (!isSealed(stored)) return stored;
  if (!key) throw new AppError('unavailable', `${owner.label}: its ${owner.what} is encrypted; set KEYS_ENCRYPTION_KEY to the key it was encrypted with`, { field: owner.field });
  try {
    const { plaintext, protectedHeader } = await compactDecrypt(stored.slice(PREFIX.length), key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    if (protectedHeader.rid !== owner.rid) throw new Error(`sealed for another owner than ${owner.label}`);
    return new TextDecoder().decode(plaintext);
  } catch {
    throw new AppError('unavailable', `${owner.label}: KEYS_ENCRYPTION_KEY does not open its ${owner.what}`, { field: owner.field });
  }
}
