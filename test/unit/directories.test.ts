/** The directories' pure rules: RFC 4515 escaping, canonical ids, account states, name routing, the record's validation, the sealed bind password. */
import { describe, expect, test } from '@jest/globals';
import { groupsOf as userGroupsOf } from '../../src/accounts/groups-of.js';
import { randomBytes } from 'node:crypto';
import { generalizedTime, maxAgeOf, passwordExpiredOn, stateOfBindError, stateOfEntry } from '../../src/directories/account-state.js';
import { openPassword, sealPassword } from '../../src/directories/bind-password-seal.js';
import { claimSources, claimsOf, groupNameOfDn, groupsOf } from '../../src/directories/claim-mapping.js';
import { Directories } from '../../src/directories/directories.js';
import type { DirectoryRecord } from '../../src/directories/directory-record.js';
import { escapeFilterValue, fillFilter } from '../../src/directories/ldap-escape.js';
import { domainRootOf, lockoutLength } from '../../src/directories/lockout-duration.js';
import { guidFromBytes, objectIdOf } from '../../src/directories/object-id.js';
import { lookupName, routesFor } from '../../src/directories/username-route.js';
import { MemoryCollection } from '../../src/storage/memory-collection.js';

describe('RFC 4515 escaping', () => {
  test('the specials, NUL and non-ASCII bytes become \\XX; the rest stays', () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeFilterValue('a\\b\u0000c')).toBe('a\\5cb\\00c');
    expect(escapeFilterValue('José')).toBe('Jos\\c3\\a9');
    expect(escapeFilterValue('alice.smith-1@corp')).toBe('alice.smith-1@corp');
  });

  test('a template is filled with escaped values; the filter keeps its shape', () => {
    expect(fillFilter('(&(objectClass=person)(uid={username}))', { username: 'admin)(|(a=*' })).toBe('(&(objectClass=person)(uid=admin\\29\\28|\\28a=\\2a))');
    expect(fillFilter('(member={dn})', { dn: 'cn=a\\,b,dc=x' })).toBe('(member=cn=a\\5c,b,dc=x)');
  });
});

describe('immutable ids', () => {
  test('objectGUID bytes give the GUID Windows shows (first three fields little-endian)', () => {
    const bytes = Buffer.from('3c2d1e0f5a4b78698796a5b4c3d2e1f0', 'hex');
    expect(guidFromBytes(bytes)).toBe('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0');
    expect(objectIdOf('active-directory', [bytes])).toBe('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0');
    expect(objectIdOf('active-directory', 'not bytes')).toBeUndefined();
    expect(guidFromBytes(Buffer.alloc(15))).toBeUndefined();
  });

  test('entryUUID is taken in lower case, and refused when it is not a UUID', () => {
    expect(objectIdOf('openldap', 'F7032DBA-861E-1041-84DC-A1F6B51F963E')).toBe('f7032dba-861e-1041-84dc-a1f6b51f963e');
    expect(objectIdOf('openldap', 'uid=alice')).toBeUndefined();
  });
});

describe('account states', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  test('Active Directory: disabled, locked, expired account, expired password, must change', () => {
    expect(stateOfEntry('active-directory', { userAccountControl: '514' }, now)).toBe('disabled');
    expect(stateOfEntry('active-directory', { userAccountControl: '512', lockoutTime: '133000000000000000' }, now)).toBe('locked');
    expect(stateOfEntry('active-directory', { userAccountControl: '512', lockoutTime: '0', accountExpires: '116444736000000000' }, now)).toBe('account_expired');
    expect(stateOfEntry('active-directory', { userAccountControl: String(512 | 0x800000) }, now)).toBe('password_expired');
    expect(stateOfEntry('active-directory', { userAccountControl: '512', pwdLastSet: '0' }, now)).toBe('must_change');
    expect(stateOfEntry('active-directory', { userAccountControl: '512', pwdLastSet: '133000000000000000', accountExpires: '9223372036854775807' }, now)).toBeUndefined();
  });

  test('OpenLDAP ppolicy: pwdAccountLockedTime, pwdReset', () => {
    expect(stateOfEntry('openldap', { pwdAccountLockedTime: '000001010000Z' })).toBe('locked');
    expect(stateOfEntry('openldap', { pwdReset: 'TRUE' })).toBe('must_change');
    expect(stateOfEntry('openldap', {})).toBeUndefined();
  });

  test('Active Directory: a lockoutTime locks only within the domain\'s lockout duration (none known: it locks)', () => {
    // 2026-06-01T00:00:00Z as a FILETIME, and 30 minutes in 100-ns intervals.
    const at = 116444736000000000n + BigInt(now.getTime()) * 10000n;
    const thirty = 18_000_000_000n;
    const entry = (lockoutTime: bigint) => ({ userAccountControl: '512', lockoutTime: String(lockoutTime) });
    expect(stateOfEntry('active-directory', entry(at - thirty + 1n), now, thirty)).toBe('locked');
    expect(stateOfEntry('active-directory', entry(at - thirty), now, thirty)).toBeUndefined();
    expect(stateOfEntry('active-directory', entry(at - thirty), now)).toBe('locked');
    expect(stateOfEntry('active-directory', { userAccountControl: String(512 | 0x10), lockoutTime: '1' }, now, thirty)).toBe('locked');
    expect(lockoutLength('-18000000000')).toBe(thirty);
    for (const forever of ['0', '-9223372036854775808', 'never', undefined]) expect(lockoutLength(forever)).toBeUndefined();
    expect(domainRootOf('cn=Users,dc=ad,dc=example')).toBe('dc=ad,dc=example');
    expect(domainRootOf('OU=Staff,DC=Corp,DC=Example')).toBe('DC=Corp,DC=Example');
    expect(domainRootOf('ou=people,o=corp')).toBeUndefined();
  });

  test('OpenLDAP: pwdChangedTime + pwdMaxAge in the past is an expired password; a max age of 0 or none never expires', () => {
    expect(generalizedTime('20260101120000Z')?.toISOString()).toBe('2026-01-01T12:00:00.000Z');
    expect(generalizedTime('20260101120000.25Z')?.toISOString()).toBe('2026-01-01T12:00:00.000Z');
    for (const bad of ['2026-01-01', '20260101120000', '20261301120000Z', 'x']) expect(generalizedTime(bad)).toBeUndefined();
    const changed = { pwdChangedTime: '20260531000000Z' };
    expect(passwordExpiredOn(changed, 86400, now)).toBe(false);
    expect(passwordExpiredOn(changed, 86399, now)).toBe(true);
    expect(passwordExpiredOn(changed, 0, now)).toBe(false);
    expect(passwordExpiredOn(changed, undefined, now)).toBe(false);
    expect(passwordExpiredOn({}, 1, now)).toBe(false);
    expect(maxAgeOf(['86400'])).toBe(86400);
    expect(maxAgeOf('-1')).toBeUndefined();
  });

  test("a refused bind's diagnostic: AD's data codes, ppolicy's texts; 52e (wrong password) is no state", () => {
    expect(stateOfBindError('80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data 775, v3839')).toBe('locked');
    expect(stateOfBindError('…, data 773, …')).toBe('must_change');
    expect(stateOfBindError('…, data 533, …')).toBe('disabled');
    expect(stateOfBindError('…, data 52e, …')).toBeUndefined();
    expect(stateOfBindError('Account locked')).toBe('locked');
  });
});

describe('claims and groups', () => {
  test('defaults per kind, overrides, dropped claims; values bounded', () => {
    const sources = claimSources('openldap', { email: '', nickname: 'cn' });
    expect(claimsOf({ mail: 'a@x', cn: 'Alice', sn: 'L', uid: 'a', givenName: 'x'.repeat(2000) }, sources)).toEqual({
      name: 'Alice',
      nickname: 'Alice',
      family_name: 'L',
      preferred_username: 'a',
      given_name: 'x'.repeat(512),
    });
    expect(claimsOf({ sAMAccountName: 'carol', userPrincipalName: 'carol@ad' }, claimSources('active-directory', {}))).toEqual({ email: 'carol@ad', preferred_username: 'carol' });
  });

  test('group names from DNs, unescaped; deduplicated, sorted, bounded', () => {
    expect(groupNameOfDn('CN=Sales\\, EMEA,OU=Groups,DC=corp')).toBe('Sales, EMEA');
    expect(groupNameOfDn('not a dn')).toBeUndefined();
    expect(groupsOf({ memberOf: ['cn=b,dc=x', 'cn=a,dc=x'] }, ['cn=a,ou=g,dc=x', 'cn=c,dc=x'])).toEqual(['a', 'b', 'c']);
    expect(groupsOf({}, Array.from({ length: 500 }, (_, i) => `cn=g${String(i).padStart(3, '0')},dc=x`))).toHaveLength(200);
  });
});

describe('name routing', () => {
  const d = (name: string, order: number, domains: string[] = []) => ({ name, order, domains }) as unknown as DirectoryRecord;
  const all = [d('b', 2, ['b.example']), d('a', 1, ['CORP', 'corp.example'])];
  test('a domain or NetBIOS form picks one directory; others fall through in order', () => {
    expect(routesFor('alice@corp.example', all).map((r) => [r.directory.name, r.name])).toEqual([['a', 'alice']]);
    expect(routesFor('corp\\alice', all).map((r) => [r.directory.name, r.name])).toEqual([['a', 'alice']]);
    expect(routesFor('alice@b', all).map((r) => [r.directory.name, r.name])).toEqual([['b', 'alice']]);
    expect(routesFor('alice@elsewhere.example', all).map((r) => [r.directory.name, r.name])).toEqual([['a', 'alice@elsewhere.example'], ['b', 'alice@elsewhere.example']]);
  });

  test('control characters and look-alike forms are not looked up', () => {
    expect(lookupName('alice')).toBe(true);
    expect(lookupName('ａｌｉｃｅ')).toBe(false);
    expect(lookupName('ali\u200bce')).toBe(false);
    expect(lookupName('ali\u0000ce')).toBe(false);
  });
});

describe('directory records', () => {
  const valid = { name: 'corp', urls: ['ldap://dc1.corp.example', 'ldaps://dc2.corp.example:636'], bindDn: 'cn=reader,dc=corp', bindPassword: 's3cret', userBase: 'ou=people,dc=corp' };

  test('each refusal names its field', async () => {
    const directories = new Directories(new MemoryCollection(), undefined);
    const refused = async (input: Record<string, unknown>) => (await directories.create({ ...valid, ...input }).catch((err: Error) => err)) as Error;
    expect((await refused({ urls: ['http://x'] })).message).toContain('url: ldap://host[:port] or ldaps://host[:port]');
    expect((await refused({ userFilter: '(uid=alice)' })).message).toContain('userFilter: must contain {username}');
    expect((await refused({ claimMap: { sub: 'uid' } })).message).toContain('claimMap.sub');
    expect((await refused({ claimMap: { nonce: 'x' } })).message).toContain('claimMap.nonce');
    expect((await refused({ startTls: true })).message).toContain('startTls: only with ldap://');
    expect((await refused({ kind: 'novell' })).message).toContain('kind: one of openldap, active-directory');
    expect((await refused({ bindDn: 'cn=x\ncn=y' })).message).toContain('bindDn: no control characters');
    expect((await refused({ name: '../x' })).message).toContain('name: a name of letters');
    expect((await refused({ passwordMaxAgeSeconds: -1 })).message).toContain('passwordMaxAgeSeconds: 0 (never) or more');
    expect((await refused({ passwordMaxAgeSeconds: 1.5 })).message).toContain('passwordMaxAgeSeconds: a whole number of seconds');
  });

  test('passwordMaxAgeSeconds is optional, set by an update and cleared with null', async () => {
    const directories = new Directories(new MemoryCollection(), undefined);
    expect((await directories.create(valid)).passwordMaxAgeSeconds).toBeUndefined();
    expect((await directories.update('corp', { passwordMaxAgeSeconds: 7776000 })).passwordMaxAgeSeconds).toBe(7776000);
    expect((await directories.update('corp', { passwordMaxAgeSeconds: null })).passwordMaxAgeSeconds).toBeUndefined();
  });

  test('an attribute may become a custom claim (the claim-name rules of a local user), never a protocol claim', async () => {
    const directories = new Directories(new MemoryCollection(), undefined);
    await expect(directories.create({ ...valid, claimMap: { employee_number: 'employeeNumber', 'https://example.com/claims/cost_center': 'departmentNumber' } })).resolves.toMatchObject({ name: 'corp' });
  });

  test("a mirrored user's groups claim is its directory groups and any local group it was added to, each once", () => {
    expect(userGroupsOf({ externalGroups: ['Staff', 'VPN'] })).toEqual(['Staff', 'VPN']);
    expect(userGroupsOf({ groups: ['VPN', 'Auditors'], externalGroups: ['Staff', 'VPN'] })).toEqual(['VPN', 'Auditors', 'Staff']);
    expect(userGroupsOf({ groups: ['Auditors'] })).toEqual(['Auditors']);
    expect(userGroupsOf({})).toEqual([]);
  });

  test('the bind password is write-only, sealed at rest with the key, and kept on an update that does not set it', async () => {
    const key = randomBytes(32);
    const records = new MemoryCollection<DirectoryRecord>();
    const directories = new Directories(records, key);
    const view = await directories.create(valid);
    expect(view).toMatchObject({ name: 'corp', bindPasswordSet: true, kind: 'openldap', order: 100, timeoutMs: 5000 });
    expect(JSON.stringify(view)).not.toContain('s3cret');
    expect(JSON.stringify(await records.list())).not.toContain('s3cret');
    await directories.update('corp', { order: 5, groupBase: 'ou=groups,dc=corp' });
    expect((await directories.forSignIn())[0]).toMatchObject({ bindPassword: 's3cret', order: 5 });
    await directories.update('corp', { groupBase: null, bindPassword: 'n3w' });
    expect((await directories.forSignIn())[0]).toMatchObject({ bindPassword: 'n3w' });
    expect((await directories.require('corp')).groupBase).toBeUndefined();
    await expect(directories.update('corp', { name: 'x' } as never)).rejects.toThrow('cannot be renamed');
  });

  test('a sealed password opens only with its key and for its directory', async () => {
    const key = randomBytes(32);
    const sealed = await sealPassword(key, 'corp', 'pw');
    expect(sealed.startsWith('sealed:')).toBe(true);
    expect(await openPassword(key, 'corp', sealed)).toBe('pw');
    await expect(openPassword(key, 'other', sealed)).rejects.toThrow('does not open');
    await expect(openPassword(randomBytes(32), 'corp', sealed)).rejects.toThrow('does not open');
    await expect(openPassword(undefined, 'corp', sealed)).rejects.toThrow('set KEYS_ENCRYPTION_KEY');
  });
});
