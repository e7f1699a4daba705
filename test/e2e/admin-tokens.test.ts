/** Admin tokens: listed without the token, withdrawn by id or name from the command line or the API, audited. */
import { describe, expect, test } from '@jest/globals';
import { useProvider } from '../support/provider.js';
import { jsonOf, runCli } from '../support/cli.js';

const fixture = useProvider();
const cli = (args: string[]) => runCli(args, { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test' });
const get = (path: string, token: string) => fetch(`${fixture.op.issuer}/admin/api${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('oidc-op admin-token', () => {
  test('list shows ids and names but never a token; revoke by id or name withdraws at once; audited', async () => {
    const ops = jsonOf(await cli(['admin-token', 'create', '--name', 'ops', '--json'])) as { token: string };
    const leaked = jsonOf(await cli(['admin-token', 'create', '--name', 'leaky', '--json'])) as { token: string };
    const robot = jsonOf(await cli(['admin-token', 'create', '--name', 'robot', '--json'])) as { token: string };
    expect((await get('/clients', leaked.token)).status).toBe(200);

    const listed = jsonOf(await cli(['admin-token', 'list', '--json'])) as { tokens: { id: string; name: string; createdAt: string }[] };
    expect(listed.tokens.map((t) => t.name)).toEqual(['ops', 'leaky', 'robot']);
    expect(listed.tokens.every((t) => /^[0-9a-f]{16}$/.test(t.id))).toBe(true);
    for (const token of [ops.token, leaked.token, robot.token]) expect(JSON.stringify(listed)).not.toContain(token);

    const leakyId = listed.tokens.find((t) => t.name === 'leaky')!.id;
    const revoked = jsonOf(await cli(['admin-token', 'revoke', leakyId, '--json']));
    expect(revoked).toEqual({ revoked: [expect.objectContaining({ id: leakyId, name: 'leaky' })] });
    expect((await get('/clients', leaked.token)).status).toBe(401);
    expect((await get('/clients', ops.token)).status).toBe(200);

    const again = await cli(['admin-token', 'revoke', leakyId, '--json']);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(new RegExp(`admin token ${leakyId}: not found`));

    // Over the API, by name.
    const viaApi = await fetch(`${fixture.op.issuer}/admin/api/admin-tokens/robot`, { method: 'DELETE', headers: { authorization: `Bearer ${ops.token}` } });
    expect(viaApi.status).toBe(200);
    expect((await get('/clients', robot.token)).status).toBe(401);
    expect(((await (await get('/admin-tokens', ops.token)).json()) as { tokens: { name: string }[] }).tokens.map((t) => t.name)).toEqual(['ops']);
    expect((await fetch(`${fixture.op.issuer}/admin/api/admin-tokens/nobody`, { method: 'DELETE', headers: { authorization: `Bearer ${ops.token}` } })).status).toBe(404);

    const events = (jsonOf(await cli(['audit', 'tail', '--limit', '50', '--json'])) as { events: { type: string; outcome: string; action?: string; actor?: string }[] }).events;
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'admin', outcome: 'success', action: `admin-token revoke ${leakyId}`, actor: expect.stringMatching(/^cli:/) }),
        expect.objectContaining({ type: 'admin', outcome: 'failure', action: `admin-token revoke ${leakyId}` }),
        expect.objectContaining({ type: 'admin', outcome: 'success', action: 'admin-token revoke robot', actor: 'token:ops' }),
        expect.objectContaining({ type: 'admin', outcome: 'success', action: 'admin-token create ops' }),
      ]),
    );
  });

  test('a name or id beginning with "-" is a value, not an option (key ids are thumbprints: one in 64 does)', async () => {
    const made = jsonOf(await cli(['admin-token', 'create', '--name', '-dash', '--json'])) as { name: string; token: string };
    expect(made.name).toBe('-dash');
    const missing = await cli(['admin-token', 'revoke', '-Wnot-an-id', '--json']);
    expect({ code: missing.code, stdout: missing.stdout }).toEqual({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/admin token -Wnot-an-id: not found/);
    const revoked = jsonOf(await cli(['admin-token', 'revoke', '-dash', '--json']));
    expect(revoked).toEqual({ revoked: [expect.objectContaining({ name: '-dash' })] });
    expect((await get('/clients', made.token)).status).toBe(401);
  });
});
