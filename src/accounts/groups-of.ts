/** The one place the `groups` claim is read from a user: the names of the groups the user is in. */
import type { UserRecord } from './users.js';

export function groupsOf(user: Pick<UserRecord, 'groups' | 'externalGroups'>): string[] {
  // A mirrored account's groups come from its directory or upstream; a local group it was added to here counts too.
  if (!user.externalGroups?.length) return user.groups ?? [];
  return [...new Set([...(user.groups ?? []), ...user.externalGroups])];
}
