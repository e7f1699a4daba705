/**
 * Users: a stable random `sub`, a unique username (matched case-insensitively), an argon2id hash and
 * standard claims. One code path for the server, the command line and, later, the admin API.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PASSWORD_MAX, USERNAME_MAX } from '../input-bounds.js';
import { fencePassed, openedBefore } from './credential-fence.js';
import { STANDARD_CLAIMS } from '../oidc/claims.js';
import { RecordError, updateRecord, type Collection } from '../storage/collection.js';
import { SUB_RULE, subSchema } from '../oidc/subject.js';
import type { PasswordHasher } from './passwords.js';

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface UserRecord {
  sub: string;
  username: string;
  passwordHash: string;
  claims: Record<string, unknown>;
  /** Absent on records written before roles existed: a plain user. */
  role?: Role;
  /** A disabled user cannot sign in, and their sessions and tokens stop working. */
  disabled?: boolean;
  /** The last password change or disable: sessions and tokens opened before it are refused for good. */
  credentialsChangedAt?: string;
  createdAt: string;
  updatedAt: string;
}

/** What leaves the store for display: never the hash. */
export type UserView = Omit<UserRecord, 'passwordHash'>;

export class UserError extends RecordError {
  override name = 'UserError';
}

const usernameSchema = z
  .string()
  .trim()
  .min(1, 'username: required')
  .max(USERNAME_MAX, `username: at most ${USERNAME_MAX} characters`)
  .regex(/^[\p{L}\p{N}._@+-]+$/u, 'username: letters, digits and . _ @ + - only');
const passwordSchema = z.string().min(8, 'password: at least 8 characters').max(PASSWORD_MAX, `password: at most ${PASSWORD_MAX} characters`);

export const usernameKey = (username: string) => username.normalize('NFKC').toLowerCase();
export const newSub = () => randomBytes(16).toString('hex');

function checkSub(sub: unknown): string {
  const result = subSchema.safeParse(sub);
  if (!result.success) throw new UserError(`sub: ${SUB_RULE}`, 'invalid');
  return result.data;
}

function checkClaims(claims: Record<string, unknown>): void {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new UserError('claims: an object of claim names and values', 'invalid');
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

const roleSchema = z.enum(ROLES, { error: `role: one of ${ROLES.join(', ')}` });

/** The rules a stored user must meet (an imported one, say): username, claims, role; throws UserError naming the field. */
export function checkUser(user: Pick<UserRecord, 'username' | 'claims' | 'role'>): void {
  parse(usernameSchema, user.username);
  checkClaims(user.claims);
  if (user.role !== undefined) parse(roleSchema, user.role);
}

/** Ends what a user's old credentials opened in storage: their grants and the tokens of those (freed, not only refused). */
export type EndGrants = (sub: string) => Promise<void>;

export interface NewUser {
  username: string;
  password: string;
  claims?: Record<string, unknown>;
  sub?: string;
  role?: string;
}

/** A change to a user: claims given are set (null removes one), the role replaced. */
export interface UserChange {
  claims?: Record<string, unknown>;
  role?: string;
}

export class Users {
  // Verified against when the username is unknown, so a miss costs what a hit costs.
  #decoy: Promise<string> | undefined;

  constructor(
    private readonly records: Collection<UserRecord>,
    private readonly hasher: PasswordHasher,
    private readonly endGrants: EndGrants = async () => undefined,
  ) {}

  async create(input: NewUser): Promise<UserView> {
    const sub = input.sub === undefined ? newSub() : checkSub(input.sub);
    const username = parse(usernameSchema, input.username);
    const password = parse(passwordSchema, input.password);
    const claims = input.claims ?? {};
    checkClaims(claims);
    const role = parse(roleSchema, input.role ?? 'user');
    const now = new Date().toISOString();
    const record: UserRecord = {
      sub,
      username,
      passwordHash: await this.hasher.hash(password),
      claims,
      role,
      disabled: false,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.records.insert(record.sub, record, usernameKey(username)))) {
      // The insert refuses a taken id and a taken alias alike: say which.
      if (input.sub !== undefined && (await this.records.get(sub))) throw new UserError(`sub ${sub}: already exists`, 'exists');
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
    const passwordHash = await this.hasher.hash(valid);
    const credentialsChangedAt = new Date().toISOString();
    await this.#change(user.sub, (current) => ({ ...current, passwordHash, credentialsChangedAt }));
    await this.#ended(user.sub, credentialsChangedAt);
  }

  async update(username: string, change: UserChange): Promise<UserView> {
    const user = await this.require(username);
    const role = change.role === undefined ? undefined : parse(roleSchema, change.role);
    const set = Object.entries(change.claims ?? {}).filter(([, v]) => v !== null);
    checkClaims(Object.fromEntries(set));
    const removed = Object.entries(change.claims ?? {}).filter(([, v]) => v === null).map(([k]) => k);
    return toView(
      await this.#change(user.sub, (current) => {
        const claims = { ...current.claims, ...Object.fromEntries(set) };
        for (const name of removed) delete claims[name];
        return { ...current, claims, ...(role ? { role } : {}) };
      }),
    );
  }

  /**
   * Ends every session and token of the user, the account staying as it is: after a credential other than the
   * password changed (their second factors reset for a lost phone).
   */
  async endSessions(username: string): Promise<UserView> {
    const user = await this.require(username);
    const credentialsChangedAt = new Date().toISOString();
    const changed = await this.#change(user.sub, (current) => ({ ...current, credentialsChangedAt }));
    await this.#ended(user.sub, credentialsChangedAt);
    return toView(changed);
  }

  /** Disabling ends every session and token of the user for good: enabling again brings none of them back. */
  async setDisabled(username: string, disabled: boolean): Promise<UserView> {
    const user = await this.require(username);
    if (!disabled) return toView(await this.#change(user.sub, (current) => ({ ...current, disabled })));
    const credentialsChangedAt = new Date().toISOString();
    const changed = await this.#change(user.sub, (current) => ({ ...current, disabled, credentialsChangedAt }));
    await this.#ended(user.sub, credentialsChangedAt);
    return toView(changed);
  }

  async delete(username: string): Promise<UserView> {
    const user = await this.require(username);
    const removed = await this.records.remove(user.sub);
    if (!removed) throw new UserError(`user ${username}: not found`, 'not_found');
    await this.#ended(removed.sub, new Date().toISOString());
    return toView(removed);
  }

  /**
   * An enabled user by sub: what sessions and tokens are checked against. With `openedAt` (Unix seconds: a
   * session's sign-in, a token's issue), only if their credentials have not changed since.
   */
  async findActive(sub: string, openedAt?: number): Promise<UserRecord | undefined> {
    const user = await this.records.get(sub);
    if (!user || user.disabled) return undefined;
    return openedAt !== undefined && openedBefore(user, openedAt) ? undefined : user;
  }

  /** The enabled user whose password matches; re-hashes a hash made with other parameters. */
  async verify(username: string, password: string): Promise<UserRecord | undefined> {
    // No account has a longer name or password: never hash an oversized one (argon2id would take all of it).
    if (password.length > PASSWORD_MAX) return undefined;
    const user = username.length <= USERNAME_MAX ? await this.findByUsername(username) : undefined;
    if (!user) {
      this.#decoy ??= this.hasher.hash(randomBytes(16).toString('hex'));
      await this.hasher.verify(await this.#decoy, password);
      return undefined;
    }
    // A disabled account fails like a wrong password: the page never tells the two apart.
    if (!(await this.hasher.verify(user.passwordHash, password)) || user.disabled) return undefined;
    if (this.hasher.needsRehash(user.passwordHash)) {
      const passwordHash = await this.hasher.hash(password);
      // Only over the hash just verified: a password set meanwhile by an administrator stays.
      return this.#change(user.sub, (current) => (current.passwordHash === user.passwordHash ? { ...current, passwordHash } : current));
    }
    return user;
  }

  /** After a change that ends the old credentials: their grants freed, and the second of the change over. */
  async #ended(sub: string, changedAt: string): Promise<void> {
    await Promise.all([this.endGrants(sub), fencePassed(changedAt)]);
  }

  #change(sub: string, change: (current: UserRecord) => UserRecord): Promise<UserRecord> {
    const stamped = (current: UserRecord) => ({ ...change(current), updatedAt: new Date().toISOString() });
    return updateRecord(this.records, sub, stamped, () => new UserError(`user ${sub}: not found`, 'not_found'));
  }
}
