/**
 * Directories in export and import: with KEYS_ENCRYPTION_KEY the bind password travels sealed and opens on the
 * importing side (checked by a real bind against slapd); another key or none is refused whole; without a key it is
 * left out (as is one sealed under an earlier key), kept from the directory it replaces or marked as needing one,
 * and both sides say so.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { useConfigDirs } from '../support/config-dir.js';
import { jsonOf, runCli } from '../support/cli.js';
import { submitLogin } from '../support/flows.js';
import { startTestProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { UserAgent } from '../support/user-agent.js';
import { SERVICE_PASSWORD, startSlapd, USER_PASSWORD, type TestSlapd } from '../support/slapd.js';

const files = useConfigDirs();
let redis: TestRedis;
let ldap: TestSlapd;

beforeAll(async () => {
  [redis, ldap] = await Promise.all([startTestRedis(), startSlapd()]);
});
afterAll(async () => {
  await Promise.all([redis?.close(), ldap?.close()]);
});

const KEY = randomBytes(32).toString('base64');
const OTHER_KEY = randomBytes(32).toString('base64');
/** The command line on one store (a key prefix of the one redis-server), with or without an encryption key. */
const cli = (store: string, key?: string) => (args: string[], stdin?: string) =>
  runCli(args, { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `${redis.prefix}${store}:`, NODE_ENV: 'test', ...(key ? { KEYS_ENCRYPTION_KEY: key } : {}) }, stdin);
const fileWith = (document: unknown) => join(files({ 'export.json': document }), 'export.json');
type Doc = { directories: Record<string, unknown>[]; users: Record<string, unknown>[] } & Record<string, unknown>;
const exported = async (run: ReturnType<typeof cli>) => jsonOf(await run(['export', '--json'])) as Doc;

const createCorp = (run: ReturnType<typeof cli>) =>
  run(
    ['directory', 'create', 'corp', '--url', ldap.url, '--bind-dn', ldap.bindDn, '--bind-password-stdin', '--user-base', `ou=people,${ldap.baseDn}`, '--group-base', `ou=groups,${ldap.baseDn}`, '--start-tls', '--ca-file', ldap.caFile, '--domain', 'corp.example', '--json'],
    `${SERVICE_PASSWORD}\n`,
  );
/** A real sign-in through the directory: it needs the service account's password, opened on this side. */
const signInWorks = async (run: ReturnType<typeof cli>) => {
  const tested = await run(['directory', 'test', 'corp', '--username', 'alice', '--password-stdin', '--json'], `${USER_PASSWORD}\n`);
  return jsonOf(tested) as { outcome: string; reason?: string };
};

describe('with KEYS_ENCRYPTION_KEY', () => {
  const source = cli('sealed-source', KEY);
  const target = cli('sealed-target', KEY);
  let document: Doc;

  test('the bind password leaves sealed, opens on a side with the same key, and an export of the import is the same document', async () => {
    expect((await createCorp(source)).code).toBe(0);
    expect((await source(['user', 'create', '--username', 'carol', '--password-stdin', '--json'], 'carol password 1\n')).code).toBe(0);
    const run = await source(['export', '--json']);
    expect(run.stderr).toBe(''); // nothing left out
    document = jsonOf(run) as Doc;
    expect(document.directories).toEqual([expect.objectContaining({ name: 'corp', urls: [ldap.url], startTls: true, domains: ['corp.example'], bindPassword: expect.stringMatching(/^sealed:/) })]);
    expect(JSON.stringify(document)).not.toContain(SERVICE_PASSWORD);

    const imported = await target(['import', fileWith(document), '--json']);
    expect(imported.stderr).toBe('');
    expect(jsonOf(imported)).toEqual({ imported: expect.objectContaining({ replaced: false, directories: 1, users: 1, bindPasswordsKept: [], bindPasswordsNeeded: [] }) });
    expect(await exported(target)).toEqual(document);
    expect(await signInWorks(target)).toMatchObject({ outcome: 'success' });
  }, 60_000);

  test('another key, or none, is refused clearly and nothing of the document is written', async () => {
    const before = await exported(target);
    const bigger = { ...document, users: [...document.users, { ...document.users[0], sub: 'someone-else', username: 'dave' }] };
    const wrongKey = await cli('sealed-target', OTHER_KEY)(['import', fileWith(bigger), '--replace', '--json']);
    expect({ code: wrongKey.code, stdout: wrongKey.stdout }).toEqual({ code: 1, stdout: '' });
    expect(wrongKey.stderr).toMatch(/the document is refused, nothing was changed/);
    expect(wrongKey.stderr).toMatch(/directories\[0\]\.bindPassword: KEYS_ENCRYPTION_KEY here does not open it \(it was exported under another key\)/);
    const noKey = await cli('sealed-target')(['import', fileWith(bigger), '--replace', '--json']);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/directories\[0\]\.bindPassword: sealed with KEYS_ENCRYPTION_KEY where it was exported; set KEYS_ENCRYPTION_KEY here to the same key/);
    // A bind password in plain text is never taken, whatever the key.
    const plain = await target(['import', fileWith({ ...bigger, directories: [{ ...document.directories[0], bindPassword: SERVICE_PASSWORD }] }), '--replace', '--json']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/directories\[0\]\.bindPassword: sealed with KEYS_ENCRYPTION_KEY \(sealed:…\) or absent: a bind password never travels in plain text/);
    expect(plain.stderr).not.toContain(SERVICE_PASSWORD);
    expect(await exported(target)).toEqual(before);
    expect((await target(['user', 'show', 'dave', '--json'])).stderr).toMatch(/not found/);

    // Exported under a key that does not open the stored seal: no side could open it, so it is left out, and said.
    const underOtherKey = await cli('sealed-source', OTHER_KEY)(['export', '--json']);
    expect(underOtherKey.code).toBe(0);
    expect((jsonOf(underOtherKey) as Doc).directories[0]).not.toHaveProperty('bindPassword');
    expect(underOtherKey.stderr).toMatch(/oidc-op: note: directory corp: its bind password is not in the document/);
  }, 60_000);
});

describe('without KEYS_ENCRYPTION_KEY', () => {
  const source = cli('plain-source');

  test('the bind password is left out and the export says so; a replace keeps the password already set, an empty store needs one', async () => {
    expect((await createCorp(source)).code).toBe(0);
    const run = await source(['export', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/oidc-op: note: directory corp: its bind password is not in the document .*oidc-op directory update corp --bind-password-stdin/);
    const document = jsonOf(run) as Doc;
    expect(document.directories).toHaveLength(1);
    expect(document.directories[0]).not.toHaveProperty('bindPassword');
    expect(JSON.stringify(document)).not.toContain(SERVICE_PASSWORD);

    // Into the store that has corp with its (sealed) password: kept.
    const sealedTarget = cli('sealed-target', KEY);
    const replaced = await sealedTarget(['import', fileWith(document), '--replace', '--json']);
    expect(jsonOf(replaced)).toEqual({ imported: expect.objectContaining({ replaced: true, directories: 1, bindPasswordsKept: ['corp'], bindPasswordsNeeded: [] }) });
    expect(replaced.stderr).toMatch(/note: directory corp: the document carried no bind password; the one already set here is kept/);
    expect(await signInWorks(sealedTarget)).toMatchObject({ outcome: 'success' });

    // Into an empty store: imported without one, shown as unset, refusing sign-ins until it is set.
    const fresh = cli('plain-target');
    const imported = await fresh(['import', fileWith(document)]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/imported 0 clients, 0 users, 0 groups, 1 directories/);
    expect(imported.stderr).toMatch(/note: directory corp: no bind password \(the document carried none\): it refuses sign-ins until you run oidc-op directory update corp --bind-password-stdin/);
    expect(jsonOf(await fresh(['directory', 'show', 'corp', '--json']))).toMatchObject({ name: 'corp', bindPasswordSet: false });
    expect(await signInWorks(fresh)).toMatchObject({ outcome: 'unavailable', reason: expect.stringMatching(/no bind password is set: oidc-op directory update corp --bind-password-stdin/) });
    // The console says so too, on the list and on the directory's page.
    const op = await startTestProvider({ ...redis, prefix: `${redis.prefix}plain-target:` }, { DEMO: 'false' });
    try {
      await op.stores.users.create({ username: 'backup-admin', password: 'backup admin password', role: 'admin' });
      const ua = new UserAgent(op.issuer);
      const list = await submitLogin(ua, await ua.follow('/admin/directories'), 'backup-admin', 'backup admin password');
      expect(list.body).toContain('No service account password: sign-ins refused');
      expect((await ua.follow('/admin/directories/corp')).body).toContain('No password is set (the directory was imported without KEYS_ENCRYPTION_KEY)');
    } finally {
      await op.close(500);
    }
    expect((await fresh(['directory', 'update', 'corp', '--bind-password-stdin', '--json'], `${SERVICE_PASSWORD}\n`)).code).toBe(0);
    expect(await signInWorks(fresh)).toMatchObject({ outcome: 'success' });
    // The round trip: the store exports what it imported, the password still left out.
    expect((await exported(fresh)).directories).toEqual([{ ...document.directories[0], updatedAt: expect.any(String) }]);
  }, 90_000);
});
