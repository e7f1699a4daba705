/**
 * Search-then-bind against a real slapd (OpenLDAP with memberof and ppolicy, StartTLS and ldaps with a CA made by the
 * test) and a slapd loaded with the Active Directory attribute subset: the subject from the immutable id, the
 * mapped claims and groups, the account states, injection refusals, failover, an outage and a hung directory.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { passwordHasher } from '../../src/accounts/passwords.js';
import { Users, type UserRecord } from '../../src/accounts/users.js';
import { Directories } from '../../src/directories/directories.js';
import type { DirectoryRecord } from '../../src/directories/directory-record.js';
import { DirectorySignIn } from '../../src/directories/directory-sign-in.js';
import { LdapConnections } from '../../src/directories/ldap-connections.js';
import { searchThenBind } from '../../src/directories/search-then-bind.js';
import { MemoryCollectionSet } from '../../src/storage/memory-collection.js';
import { freePort } from '../support/ports.js';
import { AD_USERS, SERVICE_PASSWORD, startSlapd, USER_PASSWORD, type TestSlapd } from '../support/slapd.js';

let ldap: TestSlapd;
let ad: TestSlapd;
const connections = new LdapConnections();

beforeAll(async () => {
  [ldap, ad] = await Promise.all([startSlapd(), startSlapd({ kind: 'ad' })]);
});
afterAll(async () => {
  await connections.close();
  await Promise.all([ldap?.close(), ad?.close()]);
});

function corp(over: Partial<DirectoryRecord> = {}): DirectoryRecord {
  return {
    name: 'corp',
    kind: 'openldap',
    urls: [ldap.url],
    bindDn: ldap.bindDn,
    bindPassword: SERVICE_PASSWORD,
    userBase: `ou=people,${ldap.baseDn}`,
    groupBase: `ou=groups,${ldap.baseDn}`,
    startTls: false,
    domains: ['corp.example', 'CORP'],
    claimMap: {},
    order: 10,
    connectTimeoutMs: 2000,
    timeoutMs: 2000,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

function adDirectory(over: Partial<DirectoryRecord> = {}): DirectoryRecord {
  return corp({ name: 'ad', kind: 'active-directory', urls: [ad.url], bindDn: ad.bindDn, userBase: `cn=Users,${ad.baseDn}`, groupBase: undefined, domains: ['ad.example', 'AD'], order: 20, ...over });
}

function steps() {
  const log: { step: string; ok: boolean; detail?: string }[] = [];
  return { log, record: (step: string, ok: boolean, detail?: string) => void log.push({ step, ok, ...(detail === undefined ? {} : { detail }) }) };
}

describe('OpenLDAP', () => {
  test('alice signs in: sub is her entryUUID, claims and groups (memberOf, groupOfNames, posixGroup) are mapped', async () => {
    const outcome = await searchThenBind(connections, [corp()], 'alice', USER_PASSWORD);
    expect(outcome.kind).toBe('success');
    if (outcome.kind !== 'success') return;
    expect(outcome.account.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(outcome.account.dn).toBe(`uid=alice,ou=people,${ldap.baseDn}`);
    expect(outcome.account.claims).toEqual({ email: 'alice@corp.example', name: 'Alice Liddell', given_name: 'Alice', family_name: 'Liddell', preferred_username: 'alice' });
    expect(outcome.account.groups).toEqual(['engineers', 'staff', 'unix']);
  });

  test('a claim map override replaces the default attribute and an empty one drops the claim', async () => {
    const outcome = await searchThenBind(connections, [corp({ claimMap: { name: 'cn', email: '', nickname: 'givenName' } })], 'bob', USER_PASSWORD);
    expect(outcome.kind === 'success' && outcome.account.claims).toEqual({ name: 'Bob Builder', given_name: 'Bob', family_name: 'Builder', preferred_username: 'bob', nickname: 'Bob' });
  });

  test('a wrong password and an unknown name are both "invalid"', async () => {
    expect(await searchThenBind(connections, [corp()], 'alice', 'wrong password')).toEqual({ kind: 'invalid', reason: 'wrong password' });
    expect(await searchThenBind(connections, [corp()], 'nobody', USER_PASSWORD)).toEqual({ kind: 'invalid', reason: 'no directory holds the name' });
  });

  test('an empty password is refused before any search or bind', async () => {
    const { log, record } = steps();
    expect(await searchThenBind(connections, [corp()], 'alice', '', record)).toEqual({ kind: 'invalid', reason: 'empty password' });
    expect(log).toEqual([]);
  });

  test.each(['*', '*)(uid=*', 'admin)(|(a=*', 'alice)(objectClass=*', 'al*', 'alice\\', 'alice\u0000'])('filter injection %j finds nobody and never binds', async (name) => {
    const { log, record } = steps();
    const outcome = await searchThenBind(connections, [corp()], name, USER_PASSWORD, record);
    expect(outcome.kind).toBe('invalid');
    expect(log.some((s) => s.step === 'bind')).toBe(false);
    const search = log.find((s) => s.step === 'search');
    // Control characters are refused before the search; the rest is searched for literally, escaped per RFC 4515.
    if (search) expect(search.detail).toMatch(/\(uid=[^()*]*\)\): 0 found$/);
  });

  test('unicode look-alikes (fullwidth letters) are refused, not folded into alice', async () => {
    expect(await searchThenBind(connections, [corp()], 'ａｌｉｃｅ', USER_PASSWORD)).toEqual({ kind: 'invalid', reason: 'the name has control characters or look-alike forms' });
  });

  test('ppolicy: a locked account and a must-change password each get their state, with no bind', async () => {
    for (const [name, state] of [['lockedlarry', 'locked'], ['resetrita', 'must_change']] as const) {
      const { log, record } = steps();
      expect(await searchThenBind(connections, [corp()], name, USER_PASSWORD, record)).toEqual({ kind: 'state', state, directory: 'corp' });
      expect(log.some((s) => s.step === 'bind')).toBe(false);
    }
  });

  test('ppolicy: a password older than its policy\'s pwdMaxAge is expired, with no bind; a fresh one signs in', async () => {
    const { log, record } = steps();
    expect(await searchThenBind(connections, [corp()], 'expiredeve', USER_PASSWORD, record)).toEqual({ kind: 'state', state: 'password_expired', directory: 'corp' });
    expect(log.some((s) => s.step === 'bind')).toBe(false);
    expect(log.find((s) => s.step === 'policy')?.detail).toBe(`cn=expiring,ou=policies,${ldap.baseDn}: pwdMaxAge 86400`);
    expect((await searchThenBind(connections, [corp()], 'freshfred', USER_PASSWORD)).kind).toBe('success');
  });

  test('no pwdPolicySubentry: the directory\'s passwordMaxAgeSeconds applies (0 or absent: never expires)', async () => {
    expect(await searchThenBind(connections, [corp({ passwordMaxAgeSeconds: 86400 })], 'oldoscar', USER_PASSWORD)).toEqual({ kind: 'state', state: 'password_expired', directory: 'corp' });
    for (const passwordMaxAgeSeconds of [0, undefined]) expect((await searchThenBind(connections, [corp({ passwordMaxAgeSeconds })], 'oldoscar', USER_PASSWORD)).kind).toBe('success');
    // alice changed her password when the tree was loaded: well within a year.
    expect((await searchThenBind(connections, [corp({ passwordMaxAgeSeconds: 365 * 86400 })], 'alice', USER_PASSWORD)).kind).toBe('success');
  });

  test('StartTLS and ldaps:// verified against the given CA; without it the directory is unavailable, never trusted', async () => {
    const ca = readFileSync(ldap.caFile, 'utf8');
    expect((await searchThenBind(connections, [corp({ name: 'tls1', startTls: true, ca })], 'alice', USER_PASSWORD)).kind).toBe('success');
    expect((await searchThenBind(connections, [corp({ name: 'tls2', urls: [ldap.ldapsUrl], ca })], 'alice', USER_PASSWORD)).kind).toBe('success');
    const untrusted = await searchThenBind(connections, [corp({ name: 'tls3', urls: [ldap.ldapsUrl] })], 'alice', USER_PASSWORD);
    expect(untrusted.kind).toBe('unavailable');
  });

  test('failover: a dead first URL, then the live one', async () => {
    const dead = `ldap://127.0.0.1:${await freePort()}`;
    const { log, record } = steps();
    expect((await searchThenBind(connections, [corp({ name: 'failover', urls: [dead, ldap.url] })], 'alice', USER_PASSWORD, record)).kind).toBe('success');
    expect(log.filter((s) => s.step === 'connect').map((s) => s.ok)).toEqual([false, true]);
  });

  test('a name picks its directory by form (alice@corp.example, CORP\\alice); others fall through in order', async () => {
    const both = [adDirectory(), corp()];
    for (const name of ['alice@corp.example', 'CORP\\alice', 'alice@corp', 'alice']) {
      const outcome = await searchThenBind(connections, both, name, USER_PASSWORD);
      expect(outcome.kind === 'success' && outcome.account.directory).toBe('corp');
    }
    expect((await searchThenBind(connections, both, 'carol@ad.example', USER_PASSWORD)).kind).toBe('success');
    // Picked by form, so only that directory is asked.
    expect((await searchThenBind(connections, both, 'AD\\alice', USER_PASSWORD)).kind).toBe('invalid');
  });
});

describe('Active Directory attribute subset (slapd stand-in)', () => {
  test('carol signs in: sub is her objectGUID in canonical form, sAMAccountName and memberOf mapped', async () => {
    const outcome = await searchThenBind(connections, [adDirectory()], 'carol', USER_PASSWORD);
    expect(outcome.kind).toBe('success');
    if (outcome.kind !== 'success') return;
    expect(outcome.account.id).toBe(AD_USERS.carol.guid);
    expect(outcome.account.claims).toEqual({ email: 'carol@ad.example', name: 'Carol AD', given_name: 'Carol', family_name: 'AD', preferred_username: 'carol' });
    expect(outcome.account.groups).toEqual(['Domain Users', 'Sales']);
  });

  test('disabled (userAccountControl 0x2), must change (pwdLastSet=0), locked (lockoutTime): each its own state', async () => {
    for (const [name, state] of [['dave', 'disabled'], ['erin', 'must_change'], ['frank', 'locked']] as const) {
      expect(await searchThenBind(connections, [adDirectory()], name, USER_PASSWORD)).toEqual({ kind: 'state', state, directory: 'ad' });
    }
  });

  test('a lockoutTime older than the domain\'s lockoutDuration no longer locks: gina signs in, frank (locked now) does not', async () => {
    const { log, record } = steps();
    expect((await searchThenBind(connections, [adDirectory({ name: 'ad-lockout' })], 'gina', USER_PASSWORD, record)).kind).toBe('success');
    expect(log.find((s) => s.step === 'lockout duration')?.detail).toBe(`${ad.baseDn}: 1800 s`);
    // Read once, then kept: frank's check asks the domain root no more.
    const again = steps();
    expect(await searchThenBind(connections, [adDirectory({ name: 'ad-lockout' })], 'frank', USER_PASSWORD, again.record)).toEqual({ kind: 'state', state: 'locked', directory: 'ad-lockout' });
    expect(again.log.some((s) => s.step === 'lockout duration')).toBe(false);
  });
});

describe('mirroring and outages', () => {
  const sets = new MemoryCollectionSet();
  const users = new Users(sets.collection<UserRecord>('users'), passwordHasher({ memoryCost: 8192, timeCost: 1, parallelism: 1 }));
  const directories = new Directories(sets.collection<DirectoryRecord>('directories'), undefined);
  const signIn = new DirectorySignIn(directories, users);
  afterAll(() => signIn.close());

  beforeAll(async () => {
    await directories.create({ name: 'corp', urls: [ldap.url], bindDn: ldap.bindDn, bindPassword: SERVICE_PASSWORD, userBase: `ou=people,${ldap.baseDn}`, groupBase: `ou=groups,${ldap.baseDn}`, timeoutMs: 800, connectTimeoutMs: 800 });
  });

  test('the account is mirrored as a user record with no password; a rename in the directory keeps the same sub', async () => {
    const first = await signIn.signIn('bob', USER_PASSWORD);
    expect(first.kind).toBe('success');
    if (first.kind !== 'success') return;
    expect(first.user).toMatchObject({ username: 'bob@corp', passwordHash: '', source: { kind: 'directory', name: 'corp', id: first.user.sub }, externalGroups: ['staff'] });
    // A local password check never opens a mirrored record.
    expect(await users.verify('bob@corp', USER_PASSWORD)).toBeUndefined();
    ldap.modify(`dn: uid=bob,ou=people,${ldap.baseDn}\nchangetype: modrdn\nnewrdn: uid=robert\ndeleteoldrdn: 1\n`);
    const renamed = await signIn.signIn('robert', USER_PASSWORD);
    expect(renamed.kind === 'success' && renamed.user.sub).toBe(first.user.sub);
    expect(renamed.kind === 'success' && renamed.user.claims.preferred_username).toBe('robert');
    expect(await signIn.signIn('bob', USER_PASSWORD)).toMatchObject({ kind: 'invalid' });
  });

  test('a user disabled here stays disabled: the directory sign-in does not open it', async () => {
    const first = await signIn.signIn('alice', USER_PASSWORD);
    expect(first.kind).toBe('success');
    await users.setDisabled('alice@corp', true);
    expect(await signIn.signIn('alice', USER_PASSWORD)).toEqual({ kind: 'state', state: 'disabled_here', directory: 'corp' });
  });

  test('directory stopped: unavailable with a Retry-After; back up: signs in again', async () => {
    await ldap.stop();
    expect(await signIn.signIn('robert', USER_PASSWORD)).toMatchObject({ kind: 'unavailable', directory: 'corp', retryAfter: 30 });
    await ldap.start();
    expect((await signIn.signIn('robert', USER_PASSWORD)).kind).toBe('success');
  });

  test('directory hung (SIGSTOP): the operation timeout answers unavailable, no hang', async () => {
    ldap.pause();
    try {
      expect(await signIn.signIn('robert', USER_PASSWORD)).toMatchObject({ kind: 'unavailable', directory: 'corp' });
    } finally {
      ldap.resume();
    }
    expect((await signIn.signIn('robert', USER_PASSWORD)).kind).toBe('success');
  });
});

describe('a hostile or broken directory', () => {
  test('a server answering garbage is "unavailable", never a crash or a hang', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('data', () => socket.write(Buffer.from('30 84 ff ff ff ff 02 01 01 61 07 0a 01 00 04 00 04 00 ff ff ff garbage'.replace(/ /g, ''), 'hex')));
      socket.write('not an LDAP message at all\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const outcome = await searchThenBind(connections, [corp({ name: 'garbage', urls: [`ldap://127.0.0.1:${port}`], timeoutMs: 500, connectTimeoutMs: 500 })], 'alice', USER_PASSWORD);
      expect(outcome.kind).toBe('unavailable');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
