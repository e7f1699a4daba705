/**
 * Local groups: a name (case-preserving, unique case-insensitively) and a description. Membership is kept on the
 * user record (UserRecord.groups), so the sign-in path reads a user's groups with the user, in one read; the users
 * collection's member index (member-index.ts) lists a group's members a page at a time.
 */
import type { UserRecord, Users, UserView } from '../accounts/users.js';
import { RecordError, updateRecord, type Collection } from '../storage/collection.js';
import { groupKey, groupNameProblem } from './group-names.js';
import { memberSet } from './member-index.js';

export interface GroupRecord {
  name: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
}

export class GroupError extends RecordError {
  override name = 'GroupError';
}

export const DESCRIPTION_MAX = 300;
export const MEMBERS_PAGE_MAX = 500;

function checkDescription(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  const trimmed = description.trim();
  if (trimmed.length > DESCRIPTION_MAX) throw new GroupError(`description: at most ${DESCRIPTION_MAX} characters`, 'invalid');
  return trimmed;
}

/** One page of a group's members, by username; `next` is the offset of the following page, if any. */
export interface MembersPage {
  group: string;
  members: string[];
  /** How many members the group has in all. */
  total: number;
  next?: number;
}

export class Groups {
  constructor(
    private readonly records: Collection<GroupRecord>,
    private readonly users: Users,
    /** The users collection, indexed by memberIndex. */
    private readonly userRecords: Pick<Collection<UserRecord>, 'indexPage'>,
  ) {}

  async list(): Promise<GroupRecord[]> {
    return (await this.records.list()).sort((a, b) => a.name.localeCompare(b.name));
  }

  async find(name: string): Promise<GroupRecord | undefined> {
    return this.records.get(groupKey(name));
  }

  async require(name: string): Promise<GroupRecord> {
    const group = await this.find(name);
    if (!group) throw new GroupError(`group ${name}: not found`, 'not_found');
    return group;
  }

  /** The groups' names as created, in the order given without repeats; throws naming the first unknown one. */
  async resolve(names: readonly string[]): Promise<string[]> {
    const byKey = new Map((await this.records.list()).map((g) => [groupKey(g.name), g.name]));
    const resolved: string[] = [];
    for (const name of names) {
      const found = byKey.get(groupKey(name));
      if (!found) throw new GroupError(`groups: no group named ${name} (create it first with group create)`, 'invalid');
      if (!resolved.includes(found)) resolved.push(found);
    }
    return resolved;
  }

  async create(input: { name: string; description?: string }): Promise<GroupRecord> {
    const problem = groupNameProblem(input.name);
    if (problem) throw new GroupError(problem, 'invalid');
    const description = checkDescription(input.description);
    const now = new Date().toISOString();
    const record: GroupRecord = { name: input.name, ...(description ? { description } : {}), createdAt: now, updatedAt: now };
    if (!(await this.records.insert(groupKey(input.name), record))) throw new GroupError(`group ${input.name}: already exists (names are unique whatever their case)`, 'exists');
    return record;
  }

  async update(name: string, change: { description?: string }): Promise<GroupRecord> {
    const description = checkDescription(change.description);
    await this.require(name);
    return updateRecord(
      this.records,
      groupKey(name),
      (current) => {
        const { description: _old, ...rest } = current;
        return { ...rest, ...(description ? { description } : {}), updatedAt: new Date().toISOString() };
      },
      () => new GroupError(`group ${name}: not found`, 'not_found'),
    );
  }

  /** Removes the group and every membership in it: no user is left naming it. Reads its members only. */
  async delete(name: string): Promise<{ group: GroupRecord; members: string[] }> {
    const group = await this.require(name);
    const members = await this.#leaveAll(group.name);
    const removed = await this.records.remove(groupKey(name));
    if (!removed) throw new GroupError(`group ${name}: not found`, 'not_found');
    // A member added while the group was being removed.
    members.push(...(await this.#leaveAll(group.name)));
    return { group: removed, members };
  }

  /** Takes every member out of the group, a page at a time; their usernames. */
  async #leaveAll(name: string): Promise<string[]> {
    const left: string[] = [];
    const without = (groups: readonly string[]) => groups.filter((g) => groupKey(g) !== groupKey(name));
    // Each member leaving drops out of the index: the next page starts after the entries no record backs, if any.
    let stale = 0;
    for (;;) {
      const { members } = await this.userRecords.indexPage(memberSet(name), stale, MEMBERS_PAGE_MAX);
      if (!members.length) return left;
      for (const username of members) {
        const user = await this.users.findByUsername(username);
        if (user && (user.groups ?? []).some((g) => groupKey(g) === groupKey(name))) {
          await this.users.changeGroups(user.sub, without);
          left.push(username);
        } else stale++;
      }
    }
  }

  /** Adds users (by username) to the group; every user is checked before any is changed. */
  async addMembers(name: string, usernames: readonly string[]): Promise<UserView[]> {
    const group = await this.require(name);
    const users = await Promise.all(usernames.map((u) => this.users.require(u)));
    const changed: UserView[] = [];
    for (const user of users) {
      changed.push(await this.users.changeGroups(user.sub, (groups) => (groups.some((g) => groupKey(g) === groupKey(group.name)) ? [...groups] : [...groups, group.name])));
    }
    return changed;
  }

  async removeMembers(name: string, usernames: readonly string[]): Promise<UserView[]> {
    const group = await this.require(name);
    const users = await Promise.all(usernames.map((u) => this.users.require(u)));
    const changed: UserView[] = [];
    for (const user of users) changed.push(await this.users.changeGroups(user.sub, (groups) => groups.filter((g) => groupKey(g) !== groupKey(group.name))));
    return changed;
  }

  /** One page of members by username, in byte order of the usernames: at most `limit` (up to MEMBERS_PAGE_MAX) from `offset`. */
  async members(name: string, offset = 0, limit = 100): Promise<MembersPage> {
    const group = await this.require(name);
    if (!Number.isInteger(offset) || offset < 0) throw new GroupError('offset: a whole number from 0', 'invalid');
    if (!Number.isInteger(limit) || limit < 1 || limit > MEMBERS_PAGE_MAX) throw new GroupError(`limit: a whole number from 1 to ${MEMBERS_PAGE_MAX}`, 'invalid');
    const { members, total } = await this.userRecords.indexPage(memberSet(group.name), offset, limit);
    return { group: group.name, members, total, ...(offset + limit < total ? { next: offset + limit } : {}) };
  }
}
