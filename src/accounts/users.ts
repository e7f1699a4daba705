/**
 * Users: a stable random `sub`, a unique username (matched case-insensitively), an argon2id hash and
 * standard claims. One code path for the server, the command line and, later, the admin API.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { STANDARD_CLAIMS } from '../provider/claims.js';
import type { Collection } from '../storage/collection.js';
import type { PasswordHasher } from './passwords.js';

export interface UserRecord {
  sub: string;
  username: string;
  passwordHash: string;
  claims: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** What leaves the store for display: never the hash. */
export type UserView = Omit<UserRecord, 'passwordHash'>;

export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly code: 'invalid' | 'exists' | 'not_found',
  ) {
    super(message);
  }
}

const usernameSchema = z
  .string()
  .trim()
  .min(1, 'username: required')
  .max(128, 'username: at most 128 characters')
  .regex(/^[\p{L}\p{N}._@+-]+$/u, 'username: letters, digits and . _ @ + - only');
const passwordSchema = z.string().min(8, 'password: at least 8 characters').max(1024, 'password: at most 1024 characters');

export const usernameKey = (username: string) => username.normalize('NFKC').toLowerCase();
export const newSub = () => randomBytes(16).toString('hex');

function checkClaims(claims: Record<string, unknown>): void {
  for (const name of Object.keys(claims)) {
    if (name === 'sub') throw new UserError('claim sub: set by the provider, not by hand', 'invalid');
    if (!STANDARD_CLAIMS.has(name)) throw new UserError(`claim ${name}: not a standard OpenID Connect claim`, 'invalid');
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UserError(result.error.issues.map((i) => i.message).join('; '), 'invalid');
  return result.data;
}

export const toView = ({ passwordHash: _hash, ...view }: UserRecord): UserView => view;

export interface NewUser {
  username: string;
  password: string;
  claims?: Record<string, unknown>;
  sub?: string;
}

export class Users {
  // Verified against when the username is unknown, so a miss costs what a hit costs.
  #decoy: Promise<string> | undefined;

  constructor(
    private readonly records: Collection<UserRecord>,
    private readonly hasher: PasswordHasher,
  ) {}

  async create(input: NewUser): Promise<UserView> {
    const username = parse(usernameSchema, input.username);
    const password = parse(passwordSchema, input.password);
    const claims = input.claims ?? {};
    checkClaims(claims);
    const now = new Date().toISOString();
    const record: UserRecord = {
      sub: input.sub ?? newSub(),
      username,
      passwordHash: await this.hasher.hash(password),
      claims,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.records.insert(record.sub, record, usernameKey(username)))) {
      throw new UserError(`username ${username}: already taken`, 'exists');
    }
    return toView(record);
  }

  async findBySub(sub: string): Promise<UserRecord | undefined> {
    return this.records.get(sub);
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    return this.records.getByAlias(usernameKey(username));
  }

  async require(username: string): Promise<UserRecord> {
    const user = await this.findByUsername(username);
    if (!user) throw new UserError(`user ${username}: not found`, 'not_found');
    return user;
  }

  async list(): Promise<UserView[]> {
    return (await this.records.list()).map(toView).sort((a, b) => a.username.localeCompare(b.username));
  }

  async setPassword(username: string, password: string): Promise<void> {
    const valid = parse(passwordSchema, password);
    const user = await this.require(username);
    await this.#save({ ...user, passwordHash: await this.hasher.hash(valid) });
  }

  async delete(username: string): Promise<UserView> {
    const user = await this.require(username);
    const removed = await this.records.remove(user.sub);
    if (!removed) throw new UserError(`user ${username}: not found`, 'not_found');
    return toView(removed);
  }

  /** The user when the password matches; re-hashes a hash made with other parameters. */
  async verify(username: string, password: string): Promise<UserRecord | undefined> {
    const user = username.length <= 128 ? await this.findByUsername(username) : undefined;
    if (!user) {
      this.#decoy ??= this.hasher.hash(randomBytes(16).toString('hex'));
      await this.hasher.verify(await this.#decoy, password);
      return undefined;
    }
    if (!(await this.hasher.verify(user.passwordHash, password))) return undefined;
    if (this.hasher.needsRehash(user.passwordHash)) {
      const updated = { ...user, passwordHash: await this.hasher.hash(password) };
      await this.#save(updated);
      return updated;
    }
    return user;
  }

  async #save(user: UserRecord): Promise<void> {
    const updated = { ...user, updatedAt: new Date().toISOString() };
    if (!(await this.records.replace(user.sub, updated))) throw new UserError(`user ${user.username}: not found`, 'not_found');
  }
}
