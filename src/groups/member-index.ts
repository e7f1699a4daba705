/**
 * The group member index on the users collection: each user is listed, by username, in one set per local group it
 * is in. Kept by the collection in the same atomic write as the user record, so a group's members are read as a page.
 */
import type { UserRecord } from '../accounts/users.js';
import type { IndexEntry } from '../storage/collection.js';
import { groupKey } from './group-names.js';

/** The index set of a group's members. */
export const memberSet = (group: string) => `group:${groupKey(group)}`;

/** Where a user is listed: the sets of its local groups (a source's groups are the source's to list). */
export function memberIndex(user: Pick<UserRecord, 'username' | 'groups'>): IndexEntry[] {
  return [...new Set((user.groups ?? []).map(memberSet))].map((set) => ({ set, member: user.username }));
}
