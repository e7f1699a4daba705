/**
 * Bearer tokens for the admin API: 256 random bits, shown once, stored only as a SHA-256 (the record's id),
 * so a token is checked with one lookup and a stolen database yields none.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Collection } from '../storage/collection.js';

export class AdminTokenError extends Error {
  override name = 'AdminTokenError';
}

export interface AdminTokenRecord {
  name: string;
  createdAt: string;
}

const PREFIX = 'oop_';
const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

export class AdminTokens {
  constructor(private readonly records: Collection<AdminTokenRecord>) {}

  async create(name: string): Promise<{ name: string; token: string }> {
    const trimmed = name.trim();
    if (!/^[\w.@-]{1,64}$/.test(trimmed)) throw new AdminTokenError('name: 1 to 64 letters, digits and . _ @ -');
    const token = PREFIX + randomBytes(32).toString('base64url');
    await this.records.insert(hashOf(token), { name: trimmed, createdAt: new Date().toISOString() });
    return { name: trimmed, token };
  }

  /** The token's record, or undefined for anything that is not a live token. */
  async verify(token: string): Promise<AdminTokenRecord | undefined> {
    if (!token.startsWith(PREFIX) || token.length > 128) return undefined;
    return this.records.get(hashOf(token));
  }
}
