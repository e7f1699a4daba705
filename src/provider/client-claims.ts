/**
 * A client's own view of the claims: the groups its filter lets through (capped in the ID token, with
 * `groups_overage`), and claims renamed by its claim map. Pure: the provider calls these on each release.
 */
import { GROUPS_CLAIM, GROUPS_OVERAGE_CLAIM } from '../oidc/claim-names.js';
import { filterGroups } from '../groups/group-names.js';
import { clientClaimMap, clientGroupsFilter } from './client-settings.js';

/** The released claims with the client's groups: filtered, and for an ID token at most `max` of them (the rest at userinfo). */
export function withClientGroups<T extends Record<string, unknown>>(claims: T, client: object | undefined, use: string, max: number): T {
  const groups = claims[GROUPS_CLAIM];
  if (!Array.isArray(groups)) return claims;
  const kept = filterGroups(groups as string[], clientGroupsFilter(client));
  if (use === 'id_token' && kept.length > max) return { ...claims, [GROUPS_CLAIM]: kept.slice(0, max), [GROUPS_OVERAGE_CLAIM]: true };
  const { [GROUPS_OVERAGE_CLAIM]: _none, ...rest } = claims;
  return { ...rest, [GROUPS_CLAIM]: kept } as unknown as T;
}

/** The claims as the client's map names them (`department` → `dept`); a claim the map does not name keeps its name. */
export function mappedForClient<T extends Record<string, unknown>>(claims: T, client: object | undefined): T {
  const map = clientClaimMap(client);
  if (!map) return claims;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) {
    const target = Object.hasOwn(map, name) ? map[name]! : name;
    // A claim released under its own name wins over one mapped onto that name.
    if (target !== name && Object.hasOwn(claims, target) && !Object.hasOwn(map, target)) continue;
    out[target] = value;
  }
  return out as T;
}
