/**
 * export → import into an empty Redis → export gives the same document; imported users and clients keep working;
 * a refused document changes nothing; --replace replaces; the same over the admin API.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { useConfigDirs } from '../support/config-dir.js';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, signIn } from '../support/flows.js';
import { FAST_ARGON2, startTestProvider, useProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const source = useProvider();
const files = useConfigDirs();
let target: TestRedis;

beforeAll(async () => {
  target = await startTestRedis();
});
afterAll(async () => {
  await target?.close();
});

const cliOn = (redis: () => TestRedis) => (args: string[], stdin?: string) =>
  runCli(args, { REDIS_URL: redis().url, REDIS_KEY_PREFIX: redis().prefix, NODE_ENV: 'test', ...FAST_ARGON2 }, stdin);
const onSource = cliOn(() => source.redis);
const onTarget = cliOn(() => target);
const exported = async (cli: typeof onSource) => jsonOf(await cli(['export', '--json']));
const fileWith = (document: unknown) => join(files({ 'export.json': document }), 'export.json');

type Doc = { version: number; clients: Record<string, unknown>[]; users: Record<string, unknown>[]; scopes: Record<string, unknown>[]; settings: Record<string, unknown>; groups: Record<string, unknown>[] };
let original: Doc;
let spa = '';
let confidential = { client_id: '', client_secret: '' };
let moverSub = '';

describe('export and import', () => {
  test('export → import into an empty Redis → export gives the same document, with hashes and no plain secret', async () => {
    spa = String(jsonOf(await onSource(['client', 'create', '--name', 'Moving SPA', '--description', 'goes along', '--redirect-uri', 'https://moved.example.test/cb', '--response-type', 'id_token token', '--json'])).client_id);
    confidential = jsonOf(await onSource(['client', 'create', '--name', 'Moving web', '--redirect-uri', 'https://web.example.test/cb', '--response-type', 'code', '--auth-method', 'client_secret_post', '--json'])) as typeof confidential;
    const off = String(jsonOf(await onSource(['client', 'create', '--name', 'Switched off', '--redirect-uri', 'https://off.example.test/cb', '--response-type', 'id_token', '--json'])).client_id);
    await onSource(['client', 'disable', off]);
    moverSub = String(jsonOf(await onSource(['user', 'create', '--username', 'Mover', '--password-stdin', '--email', 'mover@example.com', '--role', 'admin', '--json'], 'the old password\n')).sub);
    expect((await onSource(['scope', 'create', 'billing', '--name', '{"en":"Billing","zh-CN":"账单"}', '--description', 'See invoices', '--claim', 'email', '--json'])).code).toBe(0);
    expect((await onSource(['settings', 'set', 'ttl.access_token', '600'])).code).toBe(0);
    expect((await onSource(['group', 'create', 'Movers', '--description', 'On the move'])).code).toBe(0);
    expect((await onSource(['group', 'add-member', 'movers', 'Mover'])).code).toBe(0);

    original = (await exported(onSource)) as Doc;
    expect(Object.keys(original).sort()).toEqual(['clients', 'directories', 'groups', 'idps', 'scopes', 'settings', 'users', 'version']);
    expect(original.groups).toEqual([{ name: 'Movers', description: 'On the move', createdAt: expect.any(String), updatedAt: expect.any(String) }]);
    expect(original.clients.find((c) => c.client_id === spa)).toMatchObject({ client_name: 'Moving SPA', description: 'goes along', redirect_uris: ['https://moved.example.test/cb'], disabled: false });
    expect(original.clients.find((c) => c.client_id === off)).toMatchObject({ disabled: true });
    expect(original.clients.find((c) => c.client_id === confidential.client_id)!.client_secret).toMatch(/^sha256:/);
    expect(original.users.find((u) => u.username === 'Mover')).toMatchObject({ sub: moverSub, role: 'admin', groups: ['Movers'], passwordHash: expect.stringMatching(/^\$argon2id\$/) });
    expect(original.users.map((u) => u.username)).toEqual(expect.arrayContaining(['alice', 'bob'])); // the demo users are stored users too
    expect(original.scopes).toEqual([{ id: 'billing', name: { en: 'Billing', 'zh-CN': '账单' }, description: 'See invoices', claims: ['email'] }]);
    expect(original.settings).toEqual({ 'ttl.access_token': 600 });
    const text = JSON.stringify(original);
    for (const secret of [confidential.client_secret, 'the old password', 'correct horse battery']) expect(text).not.toContain(secret);

    const imported = await onTarget(['import', fileWith(original), '--json']);
    expect(imported.stderr).toBe('');
    expect(jsonOf(imported)).toEqual({ imported: { replaced: false, clients: original.clients.length, users: original.users.length, scopes: 1, settings: 1, groups: 1, directories: 0, bindPasswordsKept: [], bindPasswordsNeeded: [], idps: 0, clientSecretsKept: [], clientSecretsNeeded: [] } });
    expect(await exported(onTarget)).toEqual(original);

    // Standard input works as well; a second import into what is no longer empty is refused and changes nothing.
    const again = await onTarget(['import', '-', '--json'], JSON.stringify({ ...original, users: [] }));
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/the store already holds clients, users, scopes, settings, groups: import into an empty store, or replace everything it holds with --replace/);
    expect(await exported(onTarget)).toEqual(original);
  }, 120_000); // eleven command-line processes, each a Node start: past 30 s on a loaded machine

  test('on the imported store the user signs in with their old password, the clients keep their redirect URIs and secret', async () => {
    const op = await startTestProvider(target, { DEMO: 'false' });
    try {
      const final = await signIn(
        new UserAgent(op.issuer),
        authorizeUrl(op.issuer, { client_id: spa, response_type: 'id_token token', scope: 'openid email billing', redirect_uri: 'https://moved.example.test/cb', nonce: 'n1', state: 's1' }),
        { username: 'mover', password: 'the old password' },
      );
      expect(final.location!.startsWith('https://moved.example.test/cb#')).toBe(true);
      const fragment = fragmentParams(final.location);
      expect(fragment.get('expires_in')).toBe('600'); // the imported runtime setting
      const { payload } = await verifyIdToken(op.issuer, fragment.get('id_token')!, spa);
      expect(payload).toMatchObject({ sub: moverSub, nonce: 'n1' });
      const userinfo = await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${fragment.get('access_token')}` } });
      expect(await userinfo.json()).toEqual({ sub: moverSub, email: 'mover@example.com' });

      const tokenCall = (secret: string) =>
        fetch(`${op.issuer}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: 'https://web.example.test/cb', client_id: confidential.client_id, client_secret: secret, code_verifier: 'x'.repeat(43) }),
        }).then(async (r) => ((await r.json()) as { error: string }).error);
      expect(await tokenCall(confidential.client_secret)).toBe('invalid_grant'); // authenticated: only the code is bogus
      expect(await tokenCall('a wrong secret')).toBe('invalid_client');
    } finally {
      await op.close(500);
    }
  });

  test('a refused document names the path and the rule, exits non-zero, and changes nothing', async () => {
    const before = await exported(onTarget);
    const client = original.clients.find((c) => c.client_id === spa)!;
    const confidentialClient = original.clients.find((c) => c.client_id === confidential.client_id)!;
    const user = original.users.find((u) => u.sub === moverSub)!;
    // Every rule has its case in test/unit/admin-document.test.ts; here, that the command line refuses and writes nothing.
    const cases: [unknown, RegExp][] = [
      [{ ...original, clients: [...original.clients.filter((c) => c !== client), { ...client, redirect_uris: ['http://evil.example/cb'] }] }, /clients\[\d+\]\.redirect_uris\[0\]: must use https/],
      [{ ...original, clients: [{ ...confidentialClient, client_secret: 'plain-secret' }] }, /clients\[0\]\.client_secret: the secret as its sha256: hash/],
      [{ ...original, users: [...original.users, { ...user, sub: 'another-sub', username: 'MOVER' }] }, /users\[\d+\]\.username: the same username \(matched case-insensitively\) as users\[\d+\]/],
    ];
    for (const [document, message] of cases) {
      const result = await onTarget(['import', fileWith(document), '--replace', '--json']);
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' });
      expect(result.stderr).toMatch(/the document is refused, nothing was changed/);
      expect(result.stderr).toMatch(message);
    }
    const notJson = await onTarget(['import', '-', '--replace', '--json'], '{"version": 1,');
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/standard input: not valid JSON/);
    expect((await onTarget(['import', '/no/such/file.json', '--json'])).stderr).toMatch(/no such file/);
    expect(await exported(onTarget)).toEqual(before);
  });

  test('--replace replaces every client, user, scope and setting with what the document holds', async () => {
    const client = original.clients.find((c) => c.client_id === spa)!;
    const user = original.users.find((u) => u.sub === moverSub)!;
    const smaller = { version: 1, clients: [client], users: [user], scopes: [], settings: {}, groups: original.groups, directories: [], idps: [] };
    // A membership must name a group of the document: without its group the document is refused.
    expect((await onTarget(['import', fileWith({ ...smaller, groups: [] }), '--replace', '--json'])).stderr).toMatch(/users\[0\]\.groups\[0\]: group Movers is not among the document's groups/);
    const replaced = await onTarget(['import', fileWith(smaller), '--replace', '--json']);
    expect(jsonOf(replaced)).toEqual({ imported: { replaced: true, clients: 1, users: 1, scopes: 0, settings: 0, groups: 1, directories: 0, bindPasswordsKept: [], bindPasswordsNeeded: [], idps: 0, clientSecretsKept: [], clientSecretsNeeded: [] } });
    expect(await exported(onTarget)).toEqual(smaller);
    expect((await onTarget(['user', 'show', 'alice', '--json'])).stderr).toMatch(/user alice: not found/);
    // The username index was replaced with the users: a removed username is free, the kept one still taken.
    expect((await onTarget(['user', 'create', '--username', 'alice', '--password-stdin', '--json'], 'a new alice password\n')).code).toBe(0);
    expect((await onTarget(['user', 'create', '--username', 'mover', '--password-stdin', '--json'], 'another password\n')).stderr).toMatch(/already taken/);
  });

  test('the admin API exports the same document and imports with the same rules; both are audited', async () => {
    const token = String(jsonOf(await onSource(['admin-token', 'create', '--name', 'backup', '--json'])).token);
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${source.op.issuer}/admin/api${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));

    const openapi = (await api('GET', '/openapi.json')).json as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/export', '/import', '/admin-tokens', '/admin-tokens/{id}', '/users/{username}/consents', '/users/{username}/consents/{client}']));

    const viaApi = await api('GET', '/export');
    expect(viaApi.status).toBe(200);
    expect(viaApi.json).toEqual(await exported(onSource));

    expect((await api('POST', '/import', viaApi.json)).status).toBe(409);
    const bad = await api('POST', '/import?replace=true', { ...viaApi.json, clients: [{ ...original.clients[0], redirect_uris: ['https://ok.example.test/cb', 'https://x.example.test/#frag'] }] });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual(['clients[0].redirect_uris[1]: must not contain a fragment']);
    const same = await api('POST', '/import?replace=true', viaApi.json);
    expect(same.json).toMatchObject({ imported: { replaced: true, users: (viaApi.json.users as unknown[]).length } });
    expect((await api('GET', '/export')).json).toEqual(viaApi.json);

    const events = (jsonOf(await onSource(['audit', 'tail', '--limit', '100', '--json'])) as { events: Record<string, unknown>[] }).events;
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'admin', outcome: 'success', action: 'export', actor: expect.stringMatching(/^cli:/) }),
        expect.objectContaining({ type: 'admin', outcome: 'success', action: 'export', actor: 'token:backup' }),
        expect.objectContaining({ type: 'admin', outcome: 'failure', action: 'import', actor: 'token:backup' }),
        expect.objectContaining({ type: 'admin', outcome: 'success', action: 'import --replace', actor: 'token:backup' }),
      ]),
    );
  });
});
