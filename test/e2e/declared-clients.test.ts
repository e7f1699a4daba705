/**
 * Clients the config files declare are listed wherever administrators look (command line, admin API, console, the
 * implicit-migration report), marked with their source, and read-only there: every change is refused with a clear
 * message and nothing changes.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { jsonOf, runCli } from '../support/cli.js';
import { ALICE, useProvider } from '../support/provider.js';
import { authorizeUrl, implicitParams, signIn, submitLogin } from '../support/flows.js';
import { inputValue, UserAgent, type Hop } from '../support/user-agent.js';

const fixture = useProvider();
const ADMIN = { username: 'dana', password: 'dana admin password' };
const READ_ONLY = /client spa-both: declared in .*clients\.json, read-only here \(change it in that file and restart\)/;
let token: string;

beforeAll(async () => {
  await fixture.op.stores.users.create({ ...ADMIN, role: 'admin' });
  token = (await fixture.op.stores.adminTokens.create('declared-test')).token;
});

const cli = (args: string[]) => runCli(args, { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test', CONFIG_DIR: fixture.op.settings.sources.clients.replace(/\/clients\.json$/, '') });
const api = (path: string, init: RequestInit = {}) => fetch(`${fixture.op.issuer}/admin/api${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

async function openConsole(path: string): Promise<{ ua: UserAgent; page: Hop }> {
  const ua = new UserAgent(fixture.op.issuer);
  const loginPage = await ua.follow(path);
  return { ua, page: await submitLogin(ua, loginPage, ADMIN.username, ADMIN.password) };
}

describe('clients declared in config files', () => {
  test('the command line lists them marked with their source, shows one, and refuses to change them', async () => {
    const listed = await cli(['client', 'list', '--json']);
    expect(listed.code).toBe(0);
    const clients = jsonOf(listed).clients as Record<string, unknown>[];
    expect(clients.find((c) => c.client_id === 'spa-both')).toMatchObject({ source: 'config', read_only: true, response_types: ['id_token token', 'id_token'] });
    expect((await cli(['client', 'list'])).stdout).toMatch(/^spa-both  .*\(config file, read-only\)$/m);
    expect(jsonOf(await cli(['client', 'show', 'spa-both', '--json']))).toMatchObject({ client_id: 'spa-both', source: 'config' });

    for (const args of [['update', 'spa-both', '--name', 'Renamed'], ['disable', 'spa-both'], ['delete', 'spa-both'], ['rotate-secret', 'spa-both']]) {
      const refused = await cli(['client', ...args]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(READ_ONLY);
    }
  });

  test('the admin API lists them marked, and answers 409 with the reason to a change', async () => {
    const { clients } = (await (await api('/clients')).json()) as { clients: Record<string, unknown>[] };
    expect(clients.filter((c) => c.source === 'config').map((c) => c.client_id)).toEqual(expect.arrayContaining(['spa-both', 'web-code']));
    const patched = await api('/clients/spa-both', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Renamed' }) });
    expect(patched.status).toBe(409);
    expect(((await patched.json()) as { message: string }).message).toMatch(READ_ONLY);
    expect((await api('/clients/spa-both', { method: 'DELETE' })).status).toBe(409);
    expect((await api('/clients/spa-both/disable', { method: 'POST' })).status).toBe(409);
    expect(((await (await api('/clients/spa-both')).json()) as Record<string, unknown>).client_name).not.toBe('Renamed');
  });

  test('the console lists them read-only, shows one with no buttons, refuses a POST, and counts them in the migration report', async () => {
    const { ua, page } = await openConsole('/admin/clients');
    expect(page.status).toBe(200);
    const row = page.body.slice(page.body.indexOf('<code>spa-both</code>'));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('config file, read-only');

    const detail = await ua.get('/admin/clients/spa-both');
    expect(detail.status).toBe(200);
    expect(detail.body).toMatch(/Read-only: declared in .*clients\.json/);
    expect(detail.body).not.toContain('/admin/clients/spa-both/delete');
    expect(detail.body).not.toContain('/admin/clients/spa-both/disable');
    expect(detail.body).not.toContain('type="submit">Save');

    const csrf = inputValue(detail.body, 'csrf')!;
    for (const path of ['/admin/clients/spa-both', '/admin/clients/spa-both/delete', '/admin/clients/spa-both/disable']) {
      const refused = await ua.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, name: 'Renamed' }).toString() });
      expect(refused.status).toBe(409);
      expect(refused.body).toContain('is declared in');
    }
    // Still there and unchanged: a sign-in with it works.
    expect((await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, implicitParams()), ALICE)).status).toBe(302);

    const migration = (await ua.get('/admin/migration')).body;
    expect(migration).toContain('<code>spa-both</code>');
    expect(migration).toContain('<code>spa-token</code>');
    expect(migration).not.toContain('<code>web-code</code>');
  });
});
