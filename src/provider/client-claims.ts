/**
 * A client's own view of the claims: the groups its filter lets through (capped in the ID token, with
 * `groups_overage`), and claims renamed by its claim map, both ways. Pure: the provider calls these on each release.
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

type ClaimsRequest = { id_token?: Record<string, unknown> | undefined; userinfo?: Record<string, unknown> | undefined };

/**
 * A `claims` parameter written in the client's mapped names (`dept`) put back into the claims' own names
 * (`department`), so what is checked, granted and named on the consent page is the claim itself; undefined when
 * no name changes. `released`: the claims the client may receive under their own names (one of those keeps its
 * name, as it does on release).
 */
export function claimsRequestInOwnNames<T extends ClaimsRequest>(request: T, client: object | undefined, released: ReadonlySet<string>): T | undefined {
  const map = clientClaimMap(client);
  if (!map) return undefined;
  const sourceOf = new Map<string, string>();
  for (const [source, target] of Object.entries(map)) if (target !== source && !(released.has(target) && !Object.hasOwn(map, target))) sourceOf.set(target, source);
  if (!sourceOf.size) return undefined;
  let renamed = false;
  const own = (members: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(members)) {
      const source = sourceOf.get(name);
      if (source === undefined) out[name] = value;
      else {
        renamed = true;
        // Asked for under both names: the request under the claim's own name stands.
        if (!Object.hasOwn(members, source)) out[source] = value;
      }
    }
    return out;
  };
  const result: T = { ...request };
  if (request.id_token) result.id_token = own(request.id_token);
  if (request.userinfo) result.userinfo = own(request.userinfo);
  return renamed ? result : undefined;
}
