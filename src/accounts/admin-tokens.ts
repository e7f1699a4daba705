/**
 * Bearer tokens for the admin API: 256 random bits, shown once, stored only as a SHA-256 (the record's id),
 * so a token is checked with one lookup and a stolen database yields none.
 */
import { createHash, randomBytes } from 'node:crypto';
import { RecordError, type Collection } from '../storage/collection.js';

export class AdminTokenError extends RecordError {
  override name = 'AdminTokenError';
}

export interface AdminTokenRecord {
  name: string;
  createdAt: string;
}

const PREFIX = 'oop_';
const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/** A token as listed: its name, when it was made, and a public id (the start of its hash) to revoke it by. */
export interface AdminTokenView extends AdminTokenRecord {
  id: string;
}

/**
 * The public id: the hash's first 64 bits in hex. Never the base64url hash itself, whose first character may be
 * `-`: the command line would read `admin-token revoke -W…` as an option.
 */
const idOf = (hash: string) => Buffer.from(hash, 'base64url').subarray(0, 8).toString('hex');

export class AdminTokens {
  constructor(private readonly records: Collection<AdminTokenRecord>) {}

  async create(name: string): Promise<{ name: string; token: string }> {
    const trimmed = name.trim();
    if (!/^[\w.@-]{1,64}$/.test(trimmed)) throw new AdminTokenError('name: 1 to 64 letters, digits and . _ @ -', 'invalid');
    const token = PREFIX + randomBytes(32).toString('base64url');
    await this.records.insert(hashOf(token), { name: trimmed, createdAt: new Date().toISOString() });
    return { name: trimmed, token };
  }

  async list(): Promise<AdminTokenView[]> {
    return (await this.records.entries())
      .map(([hash, record]) => ({ id: idOf(hash), ...record }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Withdraws the tokens with this id or name (names are not unique: every token of that name goes); the next
   * request with one of them gets 401.
   */
  async revoke(idOrName: string): Promise<AdminTokenView[]> {
    const matching = (await this.records.entries()).filter(([hash, r]) => idOf(hash) === idOrName || r.name === idOrName);
    if (!matching.length) throw new AdminTokenError(`admin token ${idOrName}: not found`, 'not_found');
    const revoked: AdminTokenView[] = [];
    for (const [hash, record] of matching) {
      if (await this.records.remove(hash)) revoked.push({ id: idOf(hash), ...record });
    }
    return revoked;
  }

  /** The token's record, or undefined for anything that is not a live token. */
  async verify(token: string): Promise<AdminTokenRecord | undefined> {
    if (!token.startsWith(PREFIX) || token.length > 128) return undefined;
    return this.records.get(hashOf(token));
  }
}
