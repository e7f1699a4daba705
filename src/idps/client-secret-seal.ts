/**
 * An upstream's OIDC client secret at rest: with KEYS_ENCRYPTION_KEY set, kept as a JWE (jose, `dir` + A256GCM)
 * whose header names the IdP, so Redis and an export never hold it in plain text (as directories do their bind password).
 */
import { CompactEncrypt, compactDecrypt } from 'jose';
import { AppError } from '../errors.js';

const PREFIX = 'sealed:';

/** Whether a stored or exported client secret is sealed (a JWE) rather than plain. */
export const isSealed = (value: string): boolean => value.startsWith(PREFIX);

export async function sealSecret(key: Uint8Array | undefined, idp: string, secret: string): Promise<string> {
  if (!key) return secret;
  const jwe = await new CompactEncrypt(new TextEncoder().encode(secret)).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', rid: `idp:${idp}` }).encrypt(key);
  return `${PREFIX}${jwe}`;
}

export async function openSecret(key: Uint8Array | undefined, idp: string, stored: string): Promise<string> {
  if (!stored.startsWith(PREFIX)) return stored;
  if (!key) throw new AppError('unavailable', `idp ${idp}: its client secret is encrypted; set KEYS_ENCRYPTION_KEY to the key it was encrypted with`, { field: 'oidc.clientSecret' });
  try {
    const { plaintext, protectedHeader } = await compactDecrypt(stored.slice(PREFIX.length), key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    if (protectedHeader.rid !== `idp:${idp}`) throw new Error('sealed for another idp');
    return new TextDecoder().decode(plaintext);
  } catch {
    throw new AppError('unavailable', `idp ${idp}: KEYS_ENCRYPTION_KEY does not open its client secret`, { field: 'oidc.clientSecret' });
  }
}
