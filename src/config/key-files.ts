/**
 * The configured keys: signing keys (JWKS), cookie keys (COOKIE_KEYS) and the key that encrypts generated keys
 * (KEYS_ENCRYPTION_KEY), each given either inline in its variable or in the file its _FILE variable names.
 */
import { z } from 'zod';
import type { Env } from './env.js';
import { readJsonFile, readTextFile, shown } from './files.js';
import { parseWith } from './issues.js';
import { SettingsError } from './settings-error.js';

const privateJwk = z
  .object({ kty: z.enum(['RSA', 'EC', 'OKP']), kid: z.string().min(1), d: z.string().min(1) })
  .loose();
const jwksSchema = z.object({ keys: z.array(privateJwk).min(1, 'at least one private signing key') });
export type PrivateJwks = z.infer<typeof jwksSchema>;

const cookieKeysSchema = z
  .array(z.string().min(32, 'each cookie key has at least 32 characters'))
  .min(1, 'at least one cookie key');

function parseJsonText<T>(schema: z.ZodType<T>, text: string, label: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`${label}: not valid JSON (${(err as Error).message})`);
  }
  return parseWith(schema, value, label);
}

/** 32 random bytes in base64 or base64url (`openssl rand -base64 32`): the A256GCM key of the keys kept in Redis. */
function encryptionKey(text: string, label: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed) || bytes.length !== 32) {
    throw new SettingsError(`${label}: expected 32 random bytes in base64 (44 characters, as \`openssl rand -base64 32\` prints) or base64url (43)`);
  }
  return new Uint8Array(bytes);
}

/** The configured signing keys; undefined when neither JWKS nor JWKS_FILE is set. */
export function readJwks(e: Pick<Env, 'JWKS' | 'JWKS_FILE'>): PrivateJwks | undefined {
  if (e.JWKS && e.JWKS_FILE) throw new SettingsError('JWKS and JWKS_FILE: set one of them, not both');
  return e.JWKS_FILE
    ? parseWith(jwksSchema, readJsonFile(e.JWKS_FILE, 'JWKS_FILE'), `JWKS_FILE ${shown(e.JWKS_FILE)}`)
    : e.JWKS
      ? parseJsonText(jwksSchema, e.JWKS, 'JWKS')
      : undefined;
}

/** The configured cookie keys (a JSON array in the file, comma-separated inline); undefined when neither is set. */
export function readCookieKeys(e: Pick<Env, 'COOKIE_KEYS' | 'COOKIE_KEYS_FILE'>): string[] | undefined {
  if (e.COOKIE_KEYS && e.COOKIE_KEYS_FILE) throw new SettingsError('COOKIE_KEYS and COOKIE_KEYS_FILE: set one of them, not both');
  if (e.COOKIE_KEYS_FILE) {
    return parseWith(cookieKeysSchema, readJsonFile(e.COOKIE_KEYS_FILE, 'COOKIE_KEYS_FILE'), `COOKIE_KEYS_FILE ${shown(e.COOKIE_KEYS_FILE)}`);
  }
  if (e.COOKIE_KEYS) return parseWith(cookieKeysSchema, e.COOKIE_KEYS.split(',').map((k) => k.trim()), 'COOKIE_KEYS');
  return undefined;
}

/** The key that encrypts generated keys in Redis; undefined when neither variable is set. */
export function readKeysEncryptionKey(e: Pick<Env, 'KEYS_ENCRYPTION_KEY' | 'KEYS_ENCRYPTION_KEY_FILE'>): Uint8Array | undefined {
  if (e.KEYS_ENCRYPTION_KEY && e.KEYS_ENCRYPTION_KEY_FILE) throw new SettingsError('KEYS_ENCRYPTION_KEY and KEYS_ENCRYPTION_KEY_FILE: set one of them, not both');
  return e.KEYS_ENCRYPTION_KEY_FILE
    ? encryptionKey(readTextFile(e.KEYS_ENCRYPTION_KEY_FILE, 'KEYS_ENCRYPTION_KEY_FILE'), `KEYS_ENCRYPTION_KEY_FILE ${shown(e.KEYS_ENCRYPTION_KEY_FILE)}`)
    : e.KEYS_ENCRYPTION_KEY
      ? encryptionKey(e.KEYS_ENCRYPTION_KEY, 'KEYS_ENCRYPTION_KEY')
      : undefined;
}
