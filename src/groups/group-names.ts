/** Group names: case-preserving, unique case-insensitively; and a client's groups filter (names and prefixes). */
export const GROUP_NAME_MAX = 64;
const GROUP_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._:@+/-]*$/u;
export const GROUP_NAME_RULE = `1 to ${GROUP_NAME_MAX} characters: letters, digits, space and . _ : @ + / -, beginning with a letter or digit`;

/** The key a group is stored and matched under. */
export const groupKey = (name: string) => name.normalize('NFKC').toLowerCase();

export function groupNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length > GROUP_NAME_MAX || name !== name.trim() || !GROUP_NAME.test(name)) return `group name ${JSON.stringify(String(name).slice(0, GROUP_NAME_MAX + 1))}: ${GROUP_NAME_RULE}`;
  return undefined;
}

export const GROUPS_FILTER_MAX = 50;
export const GROUPS_FILTER_RULE = `a group name, or a prefix ending in * (app-*); at most ${GROUPS_FILTER_MAX} entries`;

/** Why an entry of a client's groups filter is refused, or undefined. */
export function groupsFilterProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'string') return `groups-filter: ${GROUPS_FILTER_RULE}`;
  const name = entry.endsWith('*') ? entry.slice(0, -1) : entry;
  if (groupNameProblem(name)) return `groups-filter ${JSON.stringify(entry.slice(0, GROUP_NAME_MAX + 2))}: ${GROUPS_FILTER_RULE}`;
  return undefined;
}

/** The groups a client's filter lets through, in order; no filter lets every group through. */
export function filterGroups(groups: readonly string[], filter: readonly string[] | undefined): string[] {
  if (!filter || filter.length === 0) return [...groups];
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const entry of filter) {
    if (entry.endsWith('*')) prefixes.push(groupKey(entry.slice(0, -1)));
    else exact.add(groupKey(entry));
  }
  return groups.filter((g) => {
    const key = groupKey(g);
    return exact.has(key) || prefixes.some((p) => key.startsWith(p));
  });
}
