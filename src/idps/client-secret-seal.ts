/** An upstream's OIDC client secret at rest: sealed with KEYS_ENCRYPTION_KEY (keys/sealed-secret.ts), named for its IdP. */
import { openSecret as open, sealSecret as seal, type SecretOwner } from '../keys/sealed-secret.js';

export const clientSecretOwner = (idp: string): SecretOwner => ({ rid: `idp:${idp}`, label: `idp ${idp}`, what: 'client secret', field: 'oidc.clientSecret' });

export const sealSecret = (key: Uint8Array | undefined, idp: string, secret: string) => seal(key, clientSecretOwner(idp), secret);
export const openSecret = (key: Uint8Array | undefined, idp: string, stored: string) => open(key, clientSecretOwner(idp), stored);
