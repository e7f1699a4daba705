/** argon2id hashing with parameters from settings; hashes of other parameters are flagged for re-hashing. */
import argon2 from 'argon2';
import type { Settings } from '../config/settings.js';

export type PasswordParams = Settings['argon2'];

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  needsRehash(hash: string): boolean;
}

export function passwordHasher(params: PasswordParams): PasswordHasher {
  const options = { type: argon2.argon2id, ...params } as const;
  return {
    hash: (password) => argon2.hash(password, options),
    verify: async (hash, password) => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false; // a malformed stored hash never signs anyone in
      }
    },
    needsRehash: (hash) => argon2.needsRehash(hash, { ...params, version: 0x13 }),
  };
}
