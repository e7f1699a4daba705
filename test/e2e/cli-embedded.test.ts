/**
 * The command line on the embedded default: with no Redis settings it reaches the in-memory development server through
 * the token file the server wrote (0600), runs every command there as it would run it locally, and says in one line
 * what to do when there is no server.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, signIn } from '../support/flows.js';
import { freePort } from '../support/ports.js';
import { failedStart, startServerProcess, type ServerProcess } from '../support/process.js';
import { atHash, verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

let dir: string;
let tokenFile: string;
let port: number;
let issuer: string;
let server: ServerProcess;

const cli = (args: string[], stdin?: string, file = tokenFile) => runCli(args, { CLI_TOKEN_FILE: file }, stdin);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oidc-op-cli-'));
  tokenFile = join(dir, 'run', 'cli-token');
  port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  server = await startServerProcess({ PORT: String(port), HOST: '127.0.0.1', ISSUER: issuer, CLI_TOKEN_FILE: tokenFile, ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1' });
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('oidc-op against the in-memory development server', () => {
  test('the server writes its address and token to a file only its user can read, in a directory only its user can enter', async () => {
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'run'))).mode & 0o777).toBe(0o700);
    const target = JSON.parse(await readFile(tokenFile, 'utf8')) as { url: string; token: string };
    expect(target.url).toBe(`http://127.0.0.1:${port}`);
    expect(target.token.length).toBeGreaterThanOrEqual(43);
    expect(server.output()).not.toContain(target.token);
  });

  test('client create, then user create with --password-stdin, then a real implicit flow with both', async () => {
    const created = await cli(['client', 'create', '--name', 'Embedded SPA', '--redirect-uri', 'http://127.0.0.1:4100/cb', '--response-type', 'id_token token', '--json']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const clientId = String(jsonOf(created).client_id);
    expect(clientId).toMatch(/^[0-9a-f]{32}$/);

    const user = await cli(['user', 'create', '--username', 'erin', '--password-stdin', '--email', 'erin@example.com', '--json'], 'erin-password-1\n');
    expect(user.code).toBe(0);
    const { sub } = jsonOf(user);

    const listed = await cli(['client', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(clientId);

    const final = await signIn(
      new UserAgent(issuer),
      authorizeUrl(issuer, { client_id: clientId, response_type: 'id_token token', scope: 'openid email', redirect_uri: 'http://127.0.0.1:4100/cb', nonce: 'n-emb', state: 's-emb' }),
      { username: 'erin', password: 'erin-password-1' },
    );
    expect(final.status).toBe(302);
    const params = fragmentParams(final.location);
    expect(params.get('state')).toBe('s-emb');
    const { payload } = await verifyIdToken(issuer, params.get('id_token')!, clientId);
    expect(payload).toMatchObject({ sub, nonce: 'n-emb', at_hash: atHash(params.get('access_token')!) });

    // The audit trail names the operating-system user who ran the command line, not the server.
    const trail = jsonOf(await cli(['audit', 'tail', '--limit', '20', '--json'])) as { events: { action: string; actor: string }[] };
    const made = trail.events.find((event) => event.action === 'user create');
    expect(made?.actor).toBe(`cli:${userInfo().username}`);
  });

  test('every other command group runs there too', async () => {
    let adminToken = '';
    const runs: [string[], (json: Record<string, unknown>) => void][] = [
      [['scope', 'list', '--json'], (json) => expect(json.scopes).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'openid' })]))],
      [['keys', 'list', '--json'], (json) => expect((json.keys as unknown[]).length).toBeGreaterThan(0)],
      [['settings', 'show', '--json'], (json) => expect(Object.keys(json).length).toBeGreaterThan(0)],
      [['admin-token', 'create', '--name', 'embedded-robot', '--json'], (json) => (adminToken = String(json.token))],
      [['registration-token', 'create', '--json'], (json) => expect(json.token).toBeTruthy()],
    ];
    for (const [args, check] of runs) {
      const result = await cli(args);
      expect([args.join(' '), result.code, result.stderr]).toEqual([args.join(' '), 0, '']);
      check(jsonOf(result));
    }
    // The admin token made there works against that server's admin API.
    const listed = await fetch(`${issuer}/admin/api/users`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(listed.status).toBe(200);
  });

  test('errors print and exit as a local run does: the message, a usage error with its synopsis and exit 2', async () => {
    const missing = await cli(['user', 'show', 'nobody']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'oidc-op: user nobody: not found\n' });
    const usage = await cli(['client', 'frobnicate']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^oidc-op: unknown client action frobnicate\nusage: oidc-op client ACTION/);
    const noPassword = await cli(['user', 'set-password', 'erin', '--password-stdin'], '');
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toBe('oidc-op: password: at least 8 characters\n');
  });

  test('import reads its file where the command line runs', async () => {
    const exported = await cli(['export', '--json']);
    expect(exported.code).toBe(0);
    const file = join(dir, 'export.json');
    await writeFile(file, exported.stdout);
    const refused = await cli(['import', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^oidc-op: .*--replace/);
    const absent = await cli(['import', join(dir, 'absent.json')]);
    expect(absent.code).toBe(2);
    expect(absent.stderr.split('\n')[0]).toBe(`oidc-op: ${join(dir, 'absent.json')}: no such file`);
  });

  test('a wrong or absent token is refused, by the endpoint and through the command line', async () => {
    const { url } = JSON.parse(await readFile(tokenFile, 'utf8')) as { url: string };
    const body = JSON.stringify({ argv: ['user', 'list', '--json'], username: 'mallory' });
    const absent = await fetch(`${url}/admin/api/cli`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(absent.status).toBe(401);
    const wrong = await fetch(`${url}/admin/api/cli`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-token' }, body });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('erin');

    const forged = join(dir, 'forged-token');
    await writeFile(forged, JSON.stringify({ url, token: 'not-the-token' }), { mode: 0o600 });
    const refused = await cli(['user', 'list'], undefined, forged);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^oidc-op: the server at .* refused the token in .*forged-token.*\n$/);
  });

  test('with neither Redis nor a server, one line says what to do', async () => {
    const result = await cli(['client', 'list'], undefined, join(dir, 'nothing-here'));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('npm start');
    expect(result.stderr).toContain('REDIS_URL');
    // Help needs no server.
    expect((await cli(['--help'], undefined, join(dir, 'nothing-here'))).code).toBe(0);
  });

  test('a port already taken is one line naming the port and PORT, without a stack trace', async () => {
    const result = await failedStart({ PORT: String(port), HOST: '127.0.0.1', CLI_TOKEN_FILE: join(dir, 'second-token') });
    expect(result.code).toBe(1);
    const lines = result.output.split('\n').filter((line) => line.startsWith('oidc-op cannot start'));
    expect(lines).toEqual([`oidc-op cannot start: port ${port} on 127.0.0.1 is already in use: set PORT to a free port (or HOST), or stop what listens there`]);
    expect(result.output).not.toMatch(/\n\s+at /);
    // An address that is not this machine's (TEST-NET-1) is one line naming HOST.
    const elsewhere = await failedStart({ PORT: String(port), HOST: '192.0.2.1', CLI_TOKEN_FILE: join(dir, 'third-token') });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.output).toContain('oidc-op cannot start: HOST 192.0.2.1 is not an address of this machine: set HOST');
    expect(elsewhere.output).not.toMatch(/\n\s+at /);
  });

  test('a clean stop removes the token file, and the command line then says there is no server', async () => {
    expect(await server.stop()).toBe(0);
    await expect(stat(tokenFile)).rejects.toMatchObject({ code: 'ENOENT' });
    const after = await cli(['client', 'list']);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('no server to talk to');
  });
});
