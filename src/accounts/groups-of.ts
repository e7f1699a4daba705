/** The one place the `groups` claim is read from a user: the names of the groups the user is in. */
import type { UserRecord } from './users.js';

export function groupsOf(user: Pick<UserRecord, 'groups'>): string[] {
  return user.groups ?? [];
}
