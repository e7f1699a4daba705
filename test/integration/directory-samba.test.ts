/**
 * Active Directory for real: a Samba AD domain controller provisioned by the test in its own network namespace.
 * The subject is the objectGUID as Samba itself prints it, nested groups come through LDAP_MATCHING_RULE_IN_CHAIN,
 * and a disabled account, a must-change password and a lockout each get their own state.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { DirectoryRecord } from '../../src/directories/directory-record.js';
import { LdapConnections } from '../../src/directories/ldap-connections.js';
import { searchThenBind } from '../../src/directories/search-then-bind.js';
import { describeIf } from '../support/describe-if.js';
import { SAMBA_USER_PASSWORD, sambaUnavailable, startSamba, type TestSamba } from '../support/samba.js';

const why = sambaUnavailable();
if (why) process.stderr.write(`skipped the Samba AD tests: ${why}\n`);

describeIf(why === undefined)(`Samba Active Directory${why ? ` (skipped: ${why})` : ''}`, () => {
  let samba: TestSamba;
  const connections = new LdapConnections();
  let ad: DirectoryRecord;

  beforeAll(async () => {
    samba = await startSamba();
    ad = {
      name: 'ad',
      kind: 'active-directory',
      urls: [samba.url],
      bindDn: samba.bindDn,
      bindPassword: samba.bindPassword,
      userBase: `CN=Users,${samba.baseDn}`,
      groupBase: samba.baseDn,
      startTls: false,
      domains: ['ad.example', 'AD'],
      claimMap: {},
      order: 1,
      connectTimeoutMs: 3000,
      timeoutMs: 5000,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
  }, 180_000);
  afterAll(async () => {
    await connections.close();
    await samba?.close();
  });

  test('carol signs in: sub is her objectGUID as Samba prints it; nested groups through the in-chain rule', async () => {
    const shown = await samba.tool('user', 'show', 'carol', '--attributes=objectGUID');
    const guid = /objectGUID: ([0-9a-f-]{36})/.exec(shown)?.[1];
    expect(guid).toBeDefined();
    const outcome = await searchThenBind(connections, [ad], 'AD\\carol', SAMBA_USER_PASSWORD);
    expect(outcome.kind).toBe('success');
    if (outcome.kind !== 'success') return;
    expect(outcome.account.id).toBe(guid);
    expect(outcome.account.claims).toMatchObject({ email: 'carol@ad.example', given_name: 'Carol', family_name: 'Samba', preferred_username: 'carol' });
    // Staff only through Engineers: the in-chain search, not memberOf, finds it.
    expect(outcome.account.groups).toEqual(['Engineers', 'Staff']);
  });

  test('a wrong password is "invalid"; disabled and must-change accounts get their state before any bind', async () => {
    expect(await searchThenBind(connections, [ad], 'carol', 'Wrong-Pass-1')).toEqual({ kind: 'invalid', reason: 'wrong password' });
    expect(await searchThenBind(connections, [ad], 'dave', SAMBA_USER_PASSWORD)).toEqual({ kind: 'state', state: 'disabled', directory: 'ad' });
    expect(await searchThenBind(connections, [ad], 'erin', SAMBA_USER_PASSWORD)).toEqual({ kind: 'state', state: 'must_change', directory: 'ad' });
  });

  test('after the domain lockout threshold, the account is "locked", even with the right password', async () => {
    for (let i = 0; i < 3; i++) await searchThenBind(connections, [ad], 'frank', `Wrong-Pass-${i}`);
    expect(await searchThenBind(connections, [ad], 'frank', SAMBA_USER_PASSWORD)).toEqual({ kind: 'state', state: 'locked', directory: 'ad' });
  });
});
