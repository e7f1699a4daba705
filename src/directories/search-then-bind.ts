/**
 * Search-then-bind: with the service account, find the one entry the user filter matches (the name RFC 4515
 * escaped), read its immutable id, state, mapped attributes and groups; then bind as that entry's DN with the
 * password. An empty password never reaches a bind (many servers take it as an anonymous bind that "succeeds").
 */
import { InvalidCredentialsError, type Client } from 'ldapts';
import { hasLockoutTime, maxAgeOf, passwordExpiredOn, policyOfEntry, STATE_ATTRIBUTES, stateOfBindError, stateOfEntry, type AccountState } from './account-state.js';
import { claimSources, claimsOf, groupsOf, mappedAttributes } from './claim-mapping.js';
import { groupFilterOf, userFilterOf, type DirectoryRecord } from './directory-record.js';
import { fillFilter } from './ldap-escape.js';
import { DirectoryUnavailable, isLdapAnswer, LdapConnections, type StepLog } from './ldap-connections.js';
import { lockoutDurationOf } from './lockout-duration.js';
import { ID_ATTRIBUTE, objectIdOf } from './object-id.js';
import { lookupName, routesFor } from './username-route.js';

export interface DirectoryAccount {
  directory: string;
  /** The entry's immutable id, canonical: the subject of the mirrored user. */
  id: string;
  dn: string;
  /** The name looked up (without a directory prefix or suffix). */
  name: string;
  claims: Record<string, string>;
  groups: string[];
}

export type BindOutcome =
  | { kind: 'success'; account: DirectoryAccount }
  /** No directory holds the name, or the password is wrong (the page does not tell them apart). */
  | { kind: 'invalid'; reason: string }
  | { kind: 'state'; state: AccountState; directory: string }
  | { kind: 'unavailable'; directory: string; reason: string };

/** Groups read per user: beyond it the rest are dropped (the claim stays bounded). */
const GROUP_SEARCH_LIMIT = 200;

type Found = { dn: string; entry: Record<string, unknown> };

async function findUser(client: Client, d: DirectoryRecord, name: string, attributes: string[], log?: StepLog): Promise<Found | undefined | 'ambiguous'> {
  const filter = fillFilter(userFilterOf(d), { username: name });
  const { searchEntries } = await client.search(d.userBase, {
    scope: 'sub',
    filter,
    attributes,
    sizeLimit: 2,
    timeLimit: Math.ceil(d.timeoutMs / 1000),
    explicitBufferAttributes: d.kind === 'active-directory' ? ['objectGUID'] : [],
  });
  log?.('search', true, `${filter}: ${searchEntries.length} found`);
  if (searchEntries.length > 1) return 'ambiguous';
  const [hit] = searchEntries;
  return hit ? { dn: hit.dn, entry: hit as Record<string, unknown> } : undefined;
}

async function groupDns(client: Client, d: DirectoryRecord, found: Found, name: string, log?: StepLog): Promise<string[]> {
  if (!d.groupBase) return [];
  const filter = fillFilter(groupFilterOf(d), { dn: found.dn, username: name });
  const { searchEntries } = await client.search(d.groupBase, { scope: 'sub', filter, attributes: ['1.1'], sizeLimit: GROUP_SEARCH_LIMIT }).catch((err: unknown) => {
    // More groups than the limit (sizeLimitExceeded): ldapts drops the entries it got, so the sign-in goes on with
    // the memberOf groups only rather than fail.
    if (isLdapAnswer(err) && err.code === 4) return { searchEntries: [] };
    throw err;
  });
  log?.('groups', true, `${searchEntries.length} from the group search`);
  return searchEntries.map((e) => e.dn);
}

/**
 * OpenLDAP: the password max age in force for the entry: `pwdMaxAge` of the policy its `pwdPolicySubentry` names,
 * else the directory record's `passwordMaxAgeSeconds`. A policy entry we cannot read counts as no max age (the
 * ppolicy overlay still refuses the bind itself).
 */
async function maxAgeFor(client: Client, d: DirectoryRecord, found: Found, log?: StepLog): Promise<number | undefined> {
  const policy = policyOfEntry(found.entry);
  if (!policy) return d.passwordMaxAgeSeconds;
  const { searchEntries } = await client.search(policy, { scope: 'base', filter: '(objectClass=*)', attributes: ['pwdMaxAge'], sizeLimit: 1 }).catch((err: unknown) => {
    if (isLdapAnswer(err)) return { searchEntries: [] };
    throw err;
  });
  const maxAge = maxAgeOf(searchEntries[0]?.pwdMaxAge);
  log?.('policy', searchEntries.length > 0, `${policy}: pwdMaxAge ${maxAge ?? 'none'}`);
  return maxAge ?? d.passwordMaxAgeSeconds;
}

/** One directory: the account behind `name`, or why not. */
async function inDirectory(connections: LdapConnections, d: DirectoryRecord, name: string, password: string, log?: StepLog): Promise<BindOutcome | undefined> {
  const sources = claimSources(d.kind, d.claimMap);
  const attributes = [...new Set([ID_ATTRIBUTE[d.kind], 'memberOf', ...STATE_ATTRIBUTES[d.kind], ...mappedAttributes(sources)])];
  return connections.use(
    d,
    async ({ client }) => {
      const found = await findUser(client, d, name, attributes, log);
      if (found === undefined) return undefined;
      if (found === 'ambiguous') return { kind: 'invalid', reason: 'the filter matches more than one entry' };
      log?.('dn', true, found.dn);
      const id = objectIdOf(d.kind, found.entry[ID_ATTRIBUTE[d.kind]]);
      if (!id) return { kind: 'unavailable', directory: d.name, reason: `the entry has no usable ${ID_ATTRIBUTE[d.kind]}` };
      const lockout = d.kind === 'active-directory' && hasLockoutTime(found.entry) ? await lockoutDurationOf(connections, client, d, log) : undefined;
      let state = stateOfEntry(d.kind, found.entry, new Date(), lockout);
      // Before any bind, so the expired password costs no failed-bind count.
      if (!state && d.kind === 'openldap' && passwordExpiredOn(found.entry, await maxAgeFor(client, d, found, log))) state = 'password_expired';
      if (state) {
        log?.('state', false, state);
        return { kind: 'state', state, directory: d.name };
      }
      const groups = groupsOf(found.entry, await groupDns(client, d, found, name, log));
      try {
        await client.bind(found.dn, password);
      } catch (err) {
        if (!isLdapAnswer(err)) throw err;
        const refused = stateOfBindError(err.message);
        log?.('bind', false, err.message);
        if (refused) return { kind: 'state', state: refused, directory: d.name };
        if (err instanceof InvalidCredentialsError) return { kind: 'invalid', reason: 'wrong password' };
        return { kind: 'invalid', reason: `bind refused: ${err.message}` };
      }
      log?.('bind', true, found.dn);
      const claims = claimsOf(found.entry, sources);
      log?.('attributes', true, JSON.stringify(claims));
      log?.('groups', true, groups.join(', '));
      return { kind: 'success', account: { directory: d.name, id, dn: found.dn, name, claims, groups } };
    },
    log,
  );
}

/**
 * The account a sign-in name and password open in the directories: the one directory the name picks, or each in
 * order until one holds the name. A directory that does not answer makes the outcome "unavailable" unless another
 * one holds the name.
 */
export async function searchThenBind(
  connections: LdapConnections,
  directories: readonly DirectoryRecord[],
  username: string,
  password: string,
  log?: StepLog,
): Promise<BindOutcome> {
  if (password === '') return { kind: 'invalid', reason: 'empty password' };
  let down: DirectoryUnavailable | undefined;
  for (const { directory, name } of routesFor(username, directories)) {
    if (!lookupName(name)) return { kind: 'invalid', reason: 'the name has control characters or look-alike forms' };
    try {
      const outcome = await inDirectory(connections, directory, name, password, log);
      if (outcome) return outcome;
    } catch (err) {
      if (err instanceof DirectoryUnavailable) {
        log?.('connect', false, err.message);
        down ??= err;
        continue;
      }
      if (isLdapAnswer(err)) {
        // The directory answered our search with an error (a filter it refuses, an unknown base): not this user's fault.
        log?.('search', false, err.message);
        down ??= new DirectoryUnavailable(directory.name, `the search was refused (${err.message})`, err);
        continue;
      }
      throw err;
    }
  }
  if (down) return { kind: 'unavailable', directory: down.directory, reason: down.message };
  return { kind: 'invalid', reason: 'no directory holds the name' };
}
