/**
 * A directory entry → the claims and groups we mirror: the kind's default attribute for each claim, overridden per
 * directory; group names from `memberOf` and from a group search. Every value is bounded, so a directory answering
 * with huge attributes cannot grow our user records.
 */
import { DEFAULT_CLAIM_MAP, type DirectoryKind } from './directory-record.js';

export const CLAIM_VALUE_MAX = 512;
export const GROUPS_MAX = 200;
export const GROUP_NAME_MAX = 256;

const text = (value: unknown): string | undefined => {
  const v = Array.isArray(value) ? value[0] : value;
  const s = Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'string' ? v : undefined;
  return s === undefined || s === '' ? undefined : s.slice(0, CLAIM_VALUE_MAX);
};

/** The attributes each claim is read from, after the directory's overrides (an empty attribute drops the claim). */
export function claimSources(kind: DirectoryKind, overrides: Record<string, string>): Record<string, string[]> {
  const sources: Record<string, string[]> = { ...DEFAULT_CLAIM_MAP[kind] };
  for (const [claim, attribute] of Object.entries(overrides)) {
    if (attribute === '') delete sources[claim];
    else sources[claim] = [attribute];
  }
  return sources;
}

/** Every attribute the mapping reads: what the search asks the directory for. */
export const mappedAttributes = (sources: Record<string, string[]>): string[] => [...new Set(Object.values(sources).flat())];

/** An entry's attributes, matched case-insensitively (directories answer in their own casing). */
function lookup(entry: Record<string, unknown>, attribute: string): unknown {
  if (attribute in entry) return entry[attribute];
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  return key === undefined ? undefined : entry[key];
}

export function claimsOf(entry: Record<string, unknown>, sources: Record<string, string[]>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [claim, attributes] of Object.entries(sources)) {
    for (const attribute of attributes) {
      const value = text(lookup(entry, attribute));
      if (value !== undefined) {
        claims[claim] = value;
        break;
      }
    }
  }
  return claims;
}

/** A group's name from its DN: the value of its first RDN (`cn=staff,ou=groups,…` → `staff`). */
export function groupNameOfDn(dn: string): string | undefined {
  const match = /^\s*[A-Za-z][\w-]*\s*=\s*((?:\\.|[^,+\\])+)/.exec(dn);
  if (!match) return undefined;
  const value = match[1]!.trim().replace(/\\([0-9a-fA-F]{2}|.)/g, (_w, c: string) => (c.length === 2 ? String.fromCharCode(parseInt(c, 16)) : c));
  return value === '' ? undefined : value.slice(0, GROUP_NAME_MAX);
}

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));

/** Group names from the entry's memberOf and from found group entries' DNs, deduplicated, sorted and bounded. */
export function groupsOf(entry: Record<string, unknown>, groupDns: string[]): string[] {
  const names = new Set<string>();
  for (const dn of [...list(lookup(entry, 'memberOf')), ...groupDns]) {
    const name = groupNameOfDn(dn);
    if (name) names.add(name);
  }
  return [...names].sort((a, b) => a.localeCompare(b)).slice(0, GROUPS_MAX);
}
