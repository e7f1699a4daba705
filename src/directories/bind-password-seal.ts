/** A directory's service-account password at rest: sealed with KEYS_ENCRYPTION_KEY (keys/sealed-secret.ts), named for its directory. */
import { openSecret, sealSecret, type SecretOwner } from '../keys/sealed-secret.js';

export { isSealed } from '../keys/sealed-secret.js';

const owner = (directory: string): SecretOwner => ({ rid: `directory:${directory}`, label: `directory ${directory}`, what: 'bind password', field: 'bindPassword' });

export const sealPassword = (key: Uint8Array | undefined, directory: string, password: string) => sealSecret(key, owner(directory), password);
export const openPassword = (key: Uint8Array | undefined, directory: string, stored: string) => openSecret(key, owner(directory), stored);
