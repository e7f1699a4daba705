/**
 * Users: a stable random `sub`, a unique username (matched case-insensitively), an argon2id hash and
 * standard claims. One code path for the server, the command line and, later, the admin API.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PASSWORD_MAX, USERNAME_MAX } from '../input-bounds.js';
import { fencePassed, openedBefore } from './credential-fence.js';
import { claimsProblem, claimValueAllowed } from './custom-claims.js';
import { claimNameProblem } from '../oidc/claim-names.js';
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
  /** The local groups the user is in, by their names as created: one read of the user gives them (groups/). */
  groups?: string[];
  /** Absent on records written before roles existed: a plain user. */
  role?: Role;
  /** A disabled user cannot sign in, and their sessions and tokens stop working. */
  disabled?: boolean;
  /** The last password change or disable: sessions and tokens opened before it are refused for good. */
  credentialsChangedAt?: string;
  /** An account mirrored from outside (a directory, an upstream IdP): its passwordHash is empty and never verifies. */
  source?: { kind: 'directory' | 'idp'; name: string; id: string };
  /** Group names the source gave at the last sign-in. */
  externalGroups?: string[];
  /** The upstream identities (IdP, subject) that sign in as this user: created by, or linked to, it. */
  links?: IdentityLink[];
  createdAt: string;
  updatedAt: string;
}

/** An upstream identity that signs in as a user (idps/federated-accounts.ts keeps the index the other way). */
export interface IdentityLink {
  idp: string;
  subject: string;
  linkedAt: string;
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
  const problem = claimsProblem(claims);
  if (problem) throw new UserError(problem, 'invalid');
}

export const GROUPS_PER_USER_MAX = 1000;

function checkGroups(groups: unknown): void {
  if (groups === undefined) return;
  if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string' && g.length > 0 && g.length <= 64)) throw new UserError('groups: a list of group names', 'invalid');
  if (groups.length > GROUPS_PER_USER_MAX) throw new UserError(`groups: at most ${GROUPS_PER_USER_MAX} per user`, 'invalid');
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UserError(result.error.issues.map((i) => i.message).join('; '), 'invalid');
  return result.data;
}

export const toView = ({ passwordHash: _hash, ...view }: UserRecord): UserView => view;

const roleSchema = z.enum(ROLES, { error: `role: one of ${ROLES.join(', ')}` });

/** The rules a stored user must meet (an imported one, say): username, claims, role; throws UserError naming the field. */
export function checkUser(user: Pick<UserRecord, 'username' | 'claims' | 'role' | 'groups'>): void {
  parse(usernameSchema, user.username);
  checkClaims(user.claims);
  checkGroups(user.groups);
  if (user.role !== undefined) parse(roleSchema, user.role);
}

/** An account as its source gave it at a sign-in: mirrored into a user record (created, or refreshed). */
export interface MirroredAccount {
  sub: string;
  /** The username for a new record; an existing record keeps its own. */
  username: string;
  claims: Record<string, unknown>;
  externalGroups: string[];
  source: NonNullable<UserRecord['source']>;
}

/** Ends what a user's old credentials opened in storage: their grants and the tokens of those (freed, not only refused). */
export type EndGrants = (sub: string) => Promise<void>;

export interface NewUser {
  username: string;
  password: string;
  claims?: Record<string, unknown>;
  sub?: string;
  role?: string;
  /** Group names as the groups store resolved them (groups/groups.ts checks they exist). */
  groups?: string[];
}

/** A change to a user: claims given are set (null removes one), the role replaced, the groups replaced. */
export interface UserChange {
  claims?: Record<string, unknown>;
  role?: string;
  groups?: string[];
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
    checkGroups(input.groups);
    const now = new Date().toISOString();
    const record: UserRecord = {
      sub,
      username,
      passwordHash: await this.hasher.hash(password),
      claims,
      ...(input.groups?.length ? { groups: [...input.groups] } : {}),
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

  /** How many users there are, without reading them. */
  count(): Promise<number> {
    return this.records.count();
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
    checkGroups(change.groups);
    return toView(
      await this.#change(user.sub, (current) => {
        const claims = { ...current.claims, ...Object.fromEntries(set) };
        for (const name of removed) delete claims[name];
        // The whole set within its bounds, or nothing changed.
        checkClaims(claims);
        return { ...current, claims, ...(role ? { role } : {}), ...(change.groups ? { groups: [...change.groups] } : {}) };
      }),
    );
  }

  /** Changes the user's groups by sub (a membership change made from the group's side); the user's record otherwise stays. */
  async changeGroups(sub: string, change: (groups: readonly string[]) => string[]): Promise<UserView> {
    return toView(
      await this.#change(sub, (current) => {
        const groups = change(current.groups ?? []);
        checkGroups(groups);
        const { groups: _old, ...rest } = current;
        return groups.length ? { ...rest, groups } : rest;
      }),
    );
  }

  /**
   * The groups an upstream gave a local user linked to it, at its sign-in; its claims, role and local groups stay the
   * administrator's. Nothing changed: no write.
   */
  async setExternalGroups(sub: string, externalGroups: string[]): Promise<UserRecord> {
    const current = await this.records.get(sub);
    if (current && JSON.stringify(current.externalGroups ?? []) === JSON.stringify(externalGroups)) return current;
    return this.#change(sub, (record) => {
      const { externalGroups: _old, ...rest } = record;
      return externalGroups.length ? { ...rest, externalGroups } : rest;
    });
  }

  /** Changes the user's linked upstream identities by sub; the rest of the record stays. */
  async changeLinks(sub: string, change: (links: readonly IdentityLink[]) => IdentityLink[]): Promise<UserRecord> {
    return this.#change(sub, (current) => {
      const links = change(current.links ?? []);
      const { links: _old, ...rest } = current;
      return links.length ? { ...rest, links } : rest;
    });
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
    // A mirrored account has no password here: its source verifies it.
    if (user.source || !user.passwordHash) return undefined;
    // A disabled account fails like a wrong password: the page never tells the two apart.
    if (!(await this.hasher.verify(user.passwordHash, password)) || user.disabled) return undefined;
    if (this.hasher.needsRehash(user.passwordHash)) {
      const passwordHash = await this.hasher.hash(password);
      // Only over the hash just verified: a password set meanwhile by an administrator stays.
      return this.#change(user.sub, (current) => (current.passwordHash === user.passwordHash ? { ...current, passwordHash } : current));
    }
    return user;
  }

  /**
   * The user record of an outside account after its sign-in: created on the first one (a taken username gets the
   * source's name as a suffix), claims and groups refreshed on the next ones. A local account never becomes a
   * mirrored one; a record disabled here stays disabled.
   */
  async mirror(account: MirroredAccount): Promise<UserRecord> {
    const sub = checkSub(account.sub);
    // Standard and custom claims alike (the same rules as a local user's); a protocol claim is never taken from outside.
    const claims = Object.fromEntries(Object.entries(account.claims).filter(([name, value]) => claimNameProblem(name) === undefined && claimValueAllowed(value)));
    const same = (r: UserRecord) => r.source?.kind === account.source.kind && r.source.name === account.source.name && r.source.id === account.source.id;
    const existing = await this.records.get(sub);
    if (existing) {
      if (!same(existing)) throw new UserError(`user ${sub}: held by another account (not ${account.source.kind} ${account.source.name})`, 'exists');
      const unchanged = JSON.stringify(existing.claims) === JSON.stringify(claims) && JSON.stringify(existing.externalGroups ?? []) === JSON.stringify(account.externalGroups);
      // Nothing changed: no write, so a sign-in costs no Redis write nor an announcement to every instance.
      if (unchanged) return existing;
      return this.#change(sub, (current) => (same(current) ? { ...current, claims, externalGroups: account.externalGroups } : current));
    }
    const now = new Date().toISOString();
    const base = account.username.replace(/[^\p{L}\p{N}._@+-]/gu, '_').slice(0, USERNAME_MAX) || sub;
    for (const username of [base, `${base.slice(0, USERNAME_MAX - 10)}~${sub.replace(/[^A-Za-z0-9]/g, '').slice(0, 8)}`]) {
      const record: UserRecord = { sub, username, passwordHash: '', claims, role: 'user', disabled: false, source: account.source, externalGroups: account.externalGroups, createdAt: now, updatedAt: now };
      if (await this.records.insert(sub, record, usernameKey(username))) return record;
      const raced = await this.records.get(sub);
      if (raced) return same(raced) ? raced : Promise.reject(new UserError(`user ${sub}: held by another account`, 'exists'));
    }
    throw new UserError(`username ${base}: already taken`, 'exists');
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
