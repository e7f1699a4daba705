/** The rules of custom claims and groups: names, values, bounds, group names and filters, claim maps, and the stores on memory. */
import { describe, expect, test } from '@jest/globals';
import { claimsProblem, claimValueAllowed, CLAIMS_JSON_MAX, CUSTOM_CLAIMS_MAX } from '../../src/accounts/custom-claims.js';
import { passwordHasher } from '../../src/accounts/passwords.js';
import { Users, type UserRecord } from '../../src/accounts/users.js';
import { claimMapProblem, groupsFilterSettingProblem } from '../../src/clients/claim-settings.js';
import { filterGroups, groupNameProblem, groupsFilterProblem } from '../../src/groups/group-names.js';
import { Groups, type GroupRecord } from '../../src/groups/groups.js';
import { memberIndex } from '../../src/groups/member-index.js';
import { claimNameProblem, PROTOCOL_RESERVED_CLAIMS, scopeClaimProblem } from '../../src/oidc/claim-names.js';
import { claimsRequestInOwnNames, mappedForClient, withClientGroups } from '../../src/provider/client-claims.js';
import { keepAllowedClaims } from '../../src/provider/claims-release.js';
import { parseScope } from '../../src/scopes/scopes.js';
import { MemoryCollection } from '../../src/storage/memory-collection.js';

const RESERVED = ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'nonce', 'at_hash', 'c_hash', 'auth_time', 'sid', 'acr', 'amr', 'azp', 'cnf', 'events'];

describe('claim names', () => {
  test('plain names and collision-resistant URIs of at most 128 characters from A-Z a-z 0-9 _ . : / - are accepted', () => {
    for (const name of ['department', 'employee_number', 'https://example.com/claims/cost_center', 'urn:example:x-1', 'a'.repeat(128)]) expect(claimNameProblem(name)).toBeUndefined();
  });

  test('other names are refused, naming the rule', () => {
    for (const name of ['', 'a'.repeat(129), 'has space', 'dépt', 'a"b', 'x?y', 'x#y']) expect(claimNameProblem(name)).toMatch(/at most 128 characters from/);
  });

  test('every name the protocol owns is refused, and the group claims are not a user attribute', () => {
    expect([...PROTOCOL_RESERVED_CLAIMS].sort()).toEqual([...RESERVED].sort());
    for (const name of RESERVED) expect(claimNameProblem(name)).toMatch(/reserved by the protocol/);
    for (const name of RESERVED) expect(claimNameProblem(name, true)).toMatch(/reserved by the protocol/);
    expect(claimNameProblem('groups')).toMatch(/group memberships/);
    expect(claimNameProblem('groups', true)).toBeUndefined();
    expect(scopeClaimProblem('sub')).toBeUndefined();
    expect(scopeClaimProblem('iss')).toMatch(/reserved/);
  });
});

describe('claim values and bounds', () => {
  test('a string, number, boolean, array of strings or flat object', () => {
    for (const value of ['Sales', 42, 1.5, true, ['A1', 'B2'], [], { country: 'NL', floor: 3, remote: false }]) expect(claimValueAllowed(value)).toBe(true);
    for (const value of [null, undefined, [1, 2], [['a']], { nested: { x: 1 } }, { list: ['a'] }, Number.NaN, new Date()]) expect(claimValueAllowed(value)).toBe(false);
  });

  test('the whole set: names, values, at most 64 custom claims and 8 KiB of JSON', () => {
    expect(claimsProblem({ email: 'a@example.com', department: 'Sales', cost_centers: ['A1'] })).toBeUndefined();
    expect(claimsProblem({ department: { a: { b: 1 } } })).toBe('claim department: a string, number, boolean, array of strings, or flat object (of strings, numbers and booleans)');
    expect(claimsProblem({ iss: 'x' })).toMatch(/^claim iss: reserved/);
    const many = Object.fromEntries(Array.from({ length: CUSTOM_CLAIMS_MAX + 1 }, (_, i) => [`c${i}`, 'x']));
    expect(claimsProblem(many)).toBe(`claims: at most ${CUSTOM_CLAIMS_MAX} custom claims per user (65 given)`);
    expect(claimsProblem({ big: 'x'.repeat(CLAIMS_JSON_MAX) })).toMatch(/^claims: at most 8192 bytes of JSON per user/);
  });
});

describe('group names and client filters', () => {
  test('names', () => {
    for (const name of ['Staff', 'app-admins', 'Ventes EMEA', '销售部', 'team/a:b']) expect(groupNameProblem(name)).toBeUndefined();
    for (const name of ['', ' lead', 'trail ', '-x', 'a*', 'x'.repeat(65), 'a\nb']) expect(groupNameProblem(name)).toMatch(/group name/);
  });

  test('a filter is names and prefixes ending in *; anything else is refused', () => {
    expect(groupsFilterProblem('app-*')).toBeUndefined();
    expect(groupsFilterProblem('Staff')).toBeUndefined();
    expect(groupsFilterProblem('*')).toMatch(/a prefix ending in \*/);
    expect(groupsFilterProblem('a*b*')).toMatch(/groups-filter/);
    expect(groupsFilterSettingProblem(Array.from({ length: 51 }, (_, i) => `g${i}`))).toMatch(/at most 50/);
  });

  test('filtering keeps the order, matches case-insensitively; no filter keeps every group', () => {
    const groups = ['Staff', 'App-Admins', 'app-users', 'Sales'];
    expect(filterGroups(groups, ['app-*'])).toEqual(['App-Admins', 'app-users']);
    expect(filterGroups(groups, ['sales', 'app-a*'])).toEqual(['App-Admins', 'Sales']);
    expect(filterGroups(groups, undefined)).toEqual(groups);
    expect(filterGroups(groups, [])).toEqual(groups);
  });
});

describe("a client's view of the claims", () => {
  const groups = Array.from({ length: 5 }, (_, i) => `g${i}`);

  test('an ID token carries at most the limit, with groups_overage; userinfo the whole filtered list', () => {
    expect(withClientGroups({ sub: 's', groups }, {}, 'id_token', 3)).toEqual({ sub: 's', groups: ['g0', 'g1', 'g2'], groups_overage: true });
    expect(withClientGroups({ sub: 's', groups }, {}, 'userinfo', 3)).toEqual({ sub: 's', groups });
    expect(withClientGroups({ sub: 's', groups }, { groups_filter: ['g1', 'g4'] }, 'id_token', 3)).toEqual({ sub: 's', groups: ['g1', 'g4'] });
    expect(withClientGroups({ sub: 's' }, { groups_filter: ['g1'] }, 'id_token', 3)).toEqual({ sub: 's' });
  });

  test('a claim map renames; a claim released under its own name is not overwritten', () => {
    expect(mappedForClient({ sub: 's', department: 'Sales', email: 'e' }, { claim_map: { department: 'dept' } })).toEqual({ sub: 's', dept: 'Sales', email: 'e' });
    expect(mappedForClient({ sub: 's', department: 'Sales', dept: 'own' }, { claim_map: { department: 'dept' } })).toEqual({ sub: 's', dept: 'own' });
    expect(mappedForClient({ sub: 's', groups: ['a'] }, { claim_map: { groups: 'roles' } })).toEqual({ sub: 's', roles: ['a'] });
    expect(mappedForClient({ sub: 's' }, undefined)).toEqual({ sub: 's' });
  });

  test('a claims parameter in the mapped names is read in the claims\' own names; one released under its own name keeps it', () => {
    const client = { claim_map: { department: 'dept', employee_number: 'email' } };
    const released = new Set(['department', 'employee_number', 'email']);
    expect(claimsRequestInOwnNames({ id_token: { dept: { essential: true } }, userinfo: { dept: null, email: null } }, client, released)).toEqual({
      id_token: { department: { essential: true } },
      userinfo: { department: null, email: null },
    });
    // Asked for under both names: the claim's own name stands.
    expect(claimsRequestInOwnNames({ userinfo: { dept: { essential: true }, department: null } }, client, released)).toEqual({ userinfo: { department: null } });
    expect(claimsRequestInOwnNames({ userinfo: { department: null } }, client, released)).toBeUndefined();
    expect(claimsRequestInOwnNames({ userinfo: { dept: null } }, {}, released)).toBeUndefined();

    // Through the provider's check: renamed, then cut to the client's scopes.
    const params: { claims?: string } = {};
    const check = keepAllowedClaims({ openid: ['sub'], employee: ['department'], profile: ['name'] });
    check({ oidc: { params } } as never, { userinfo: { dept: null, name: null } }, { scope: 'openid employee', ...client });
    expect(JSON.parse(params.claims!)).toEqual({ userinfo: { department: null } });
  });

  test('a claim map onto a protocol claim, from a malformed name, or two claims onto one name is refused', () => {
    expect(claimMapProblem({ department: 'dept' })).toBeUndefined();
    expect(claimMapProblem({ department: 'sub' })).toMatch(/^claim-map department=sub: claim sub: reserved by the protocol/);
    expect(claimMapProblem({ email: 'iss' })).toMatch(/reserved/);
    expect(claimMapProblem({ 'bad name': 'x' })).toMatch(/^claim-map bad name:/);
    expect(claimMapProblem({ a: 'x', b: 'x' })).toBe('claim-map: two claims mapped onto x');
  });
});

describe('scopes releasing custom claims', () => {
  test('a scope may release custom and group claims, with display texts; never a protocol claim', () => {
    const scope = parseScope({ id: 'employee', name: 'Employee', description: 'd', claims: ['employee_number', 'https://example.com/claims/cost_center'], display: { employee_number: { en: 'employee number', 'zh-CN': '员工编号' } } });
    expect(scope.claims).toEqual(['employee_number', 'https://example.com/claims/cost_center']);
    expect(scope.display?.employee_number).toEqual({ en: 'employee number', 'zh-CN': '员工编号' });
    expect(() => parseScope({ id: 'bad', name: 'n', description: 'd', claims: ['nonce'] })).toThrow(/claim nonce: reserved by the protocol/);
    expect(() => parseScope({ id: 'bad', name: 'n', description: 'd', claims: ['has space'] })).toThrow(/a claim name is/);
  });
});

describe('users and groups on the memory store', () => {
  const hasher = passwordHasher({ memoryCost: 8192, timeCost: 1, parallelism: 1 });
  const stores = () => {
    const records = new MemoryCollection<UserRecord>(memberIndex);
    const users = new Users(records, hasher);
    return { users, groups: new Groups(new MemoryCollection<GroupRecord>(), users, records) };
  };

  test('custom claims are kept; a refused change leaves the user as it was', async () => {
    const { users } = stores();
    await users.create({ username: 'carol', password: 'long enough password', claims: { department: 'Sales', cost_centers: ['A1', 'B2'] } });
    await expect(users.create({ username: 'dave', password: 'long enough password', claims: { aud: 'x' } })).rejects.toThrow(/claim aud: reserved/);
    expect(await users.findByUsername('dave')).toBeUndefined();
    const before = await users.require('carol');
    const tooMany = Object.fromEntries(Array.from({ length: 63 }, (_, i) => [`c${i}`, 'x']));
    await expect(users.update('carol', { claims: tooMany })).rejects.toThrow(/at most 64 custom claims/);
    await expect(users.update('carol', { claims: { department: { deep: { x: 1 } } } })).rejects.toThrow(/claim department:/);
    expect(await users.require('carol')).toEqual(before);
    await users.update('carol', { claims: { department: null, employee_number: 1042 } });
    expect((await users.require('carol')).claims).toEqual({ cost_centers: ['A1', 'B2'], employee_number: 1042 });
  });

  test('groups: unique whatever the case, members added and listed a page at a time, a deleted group leaves no membership', async () => {
    const { users, groups } = stores();
    for (const username of ['u1', 'u2', 'u3']) await users.create({ username, password: 'long enough password' });
    await groups.create({ name: 'Staff', description: 'Everyone' });
    await groups.create({ name: 'app-admins' });
    await expect(groups.create({ name: 'STAFF' })).rejects.toThrow(/already exists/);
    await expect(groups.create({ name: 'bad*' })).rejects.toThrow(/group name/);
    await expect(groups.resolve(['staff', 'nope'])).rejects.toThrow('groups: no group named nope (create it first with group create)');
    expect(await groups.resolve(['staff', 'STAFF', 'APP-ADMINS'])).toEqual(['Staff', 'app-admins']);

    await expect(groups.addMembers('staff', ['u1', 'ghost'])).rejects.toThrow(/ghost: not found/);
    expect((await users.require('u1')).groups).toBeUndefined();
    await groups.addMembers('staff', ['u1', 'u2', 'u3']);
    await groups.addMembers('STAFF', ['u1']);
    await groups.addMembers('app-admins', ['u1']);
    expect((await users.require('u1')).groups).toEqual(['Staff', 'app-admins']);
    expect(await groups.members('staff', 0, 2)).toEqual({ group: 'Staff', members: ['u1', 'u2'], total: 3, next: 2 });
    expect(await groups.members('staff', 2, 2)).toEqual({ group: 'Staff', members: ['u3'], total: 3 });
    await expect(groups.members('staff', 0, 501)).rejects.toThrow(/limit/);

    await groups.removeMembers('staff', ['u2']);
    expect((await users.require('u2')).groups).toBeUndefined();
    expect(await groups.delete('staff')).toMatchObject({ members: ['u1', 'u3'] });
    expect((await users.require('u1')).groups).toEqual(['app-admins']);
    expect((await users.require('u3')).groups).toBeUndefined();
    expect(await groups.find('Staff')).toBeUndefined();
  });
});
