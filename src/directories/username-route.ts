/**
 * Which directories a sign-in name is looked up in, and under which name: `alice@corp.example` and `CORP\alice`
 * pick the directory named so (by its name or one of its domains) and look up `alice`; any other name falls through
 * the directories in their order, as typed.
 */
import type { DirectoryRecord } from './directory-record.js';

export interface Route {
  directory: DirectoryRecord;
  /** The name the directory is searched for. */
  name: string;
}

const named = (d: DirectoryRecord, domain: string) => {
  const lower = domain.toLowerCase();
  return d.name.toLowerCase() === lower || d.domains.some((x) => x.toLowerCase() === lower);
};

/** The directories in order, each with the name to look up there. */
export function routesFor(username: string, directories: readonly DirectoryRecord[]): Route[] {
  const ordered = [...directories].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  const backslash = username.indexOf('\\');
  if (backslash > 0) {
    const picked = ordered.find((d) => named(d, username.slice(0, backslash)));
    if (picked) return [{ directory: picked, name: username.slice(backslash + 1) }];
  }
  const at = username.lastIndexOf('@');
  if (at > 0) {
    const picked = ordered.find((d) => named(d, username.slice(at + 1)));
    if (picked) return [{ directory: picked, name: username.slice(0, at) }];
  }
  return ordered.map((directory) => ({ directory, name: username }));
}

/** Whether a name may be looked up at all: no control characters, and the same under NFKC (no look-alike forms). */
export const lookupName = (name: string): boolean => name.length > 0 && !/[\p{Cc}\p{Cf}]/u.test(name) && name.normalize('NFKC') === name;
