/**
 * The service account's password at rest: with KEYS_ENCRYPTION_KEY set, kept as a JWE (jose, `dir` + A256GCM)
 * whose header names the directory, so Redis and an export never hold it in plain text.
 */
import { CompactEncrypt, compactDecrypt } from 'jose';
import { AppError } from '../errors.js';

const PREFIX = 'sealed:';

/** Whether a stored or exported bind password is sealed (a JWE) rather than plain. */
export const isSealed = (value: string): boolean => value.startsWith(PREFIX);

export async function sealPassword(key: Uint8Array | undefined, directory: string, password: string): Promise<string> {
  if (!key) return password;
  const jwe = await new CompactEncrypt(new TextEncoder().encode(password)).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', rid: `directory:${directory}` }).encrypt(key);
  return `${PREFIX}${jwe}`;
}

export async function openPassword(key: Uint8Array | undefined, directory: string, stored: string): Promise<string> {
  if (!stored.startsWith(PREFIX)) return stored;
  if (!key) throw new AppError('unavailable', `directory ${directory}: its bind password is encrypted; set KEYS_ENCRYPTION_KEY to the key it was encrypted with`, { field: 'bindPassword' });
  try {
    const { plaintext, protectedHeader } = await compactDecrypt(stored.slice(PREFIX.length), key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    if (protectedHeader.rid !== `directory:${directory}`) throw new Error('sealed for another directory');
    return new TextDecoder().decode(plaintext);
  } catch {
    throw new AppError('unavailable', `directory ${directory}: KEYS_ENCRYPTION_KEY does not open its bind password`, { field: 'bindPassword' });
  }
}
