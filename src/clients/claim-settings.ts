/** The rules of a client's claim settings: its groups filter and its claim map (stored as groups_filter and claim_map). */
import { claimNameProblem } from '../oidc/claim-names.js';
import { GROUPS_FILTER_MAX, groupsFilterProblem } from '../groups/group-names.js';

export const CLAIM_MAP_MAX = 50;

/** Why a groups filter is refused: a list of group names and prefixes (app-*). */
export function groupsFilterSettingProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'groups_filter: a list of group names and prefixes';
  if (value.length > GROUPS_FILTER_MAX) return `groups_filter: at most ${GROUPS_FILTER_MAX} entries`;
  return value.map(groupsFilterProblem).find(Boolean);
}

/** Why a claim map is refused: claim → new name, neither a protocol claim, no two claims onto one name. */
export function claimMapProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'claim_map: an object of claim → name';
  const entries = Object.entries(value);
  if (entries.length > CLAIM_MAP_MAX) return `claim_map: at most ${CLAIM_MAP_MAX} entries`;
  const targets = new Set<string>();
  for (const [from, to] of entries) {
    const fromProblem = claimNameProblem(from, true);
    if (fromProblem) return `claim-map ${from}: ${fromProblem}`;
    const toProblem = claimNameProblem(to, true);
    if (toProblem) return `claim-map ${from}=${String(to)}: ${toProblem}`;
    if (targets.has(to as string)) return `claim-map: two claims mapped onto ${String(to)}`;
    targets.add(to as string);
  }
  return undefined;
}
