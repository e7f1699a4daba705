/** A directory's service-account password at rest: sealed with KEYS_ENCRYPTION_KEY (keys/sealed-secret.ts), named for its directory. */
import { openSecret, sealSecret, type SecretOwner } from '../keys/sealed-secret.js';

export const bindPasswordOwner = (directory: string): SecretOwner => ({ rid: `directory:${directory}`, label: `directory ${directory}`, what: 'bind password', field: 'bindPassword' });

export const sealPassword = (key: Uint8Array | undefined, directory: string, password: string) => sealSecret(key, bindPasswordOwner(directory), password);
export const openPassword = (key: Uint8Array | undefined, directory: string, stored: string) => openSecret(key, bindPasswordOwner(directory), stored);
