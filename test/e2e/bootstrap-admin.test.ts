/**
 * A path in on Redis: the first administrator from BOOTSTRAP_ADMIN_* when none exists (once, however many instances
 * start together; the password never in the output), and otherwise the start banner's command to create one.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { testEnv } from '../support/provider.js';
import { failedStart, startServerProcess } from '../support/process.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { UserAgent } from '../support/user-agent.js';

const PASSWORD = 'first-admin-password-7f3c';
let redis: TestRedis;
let dir: string;

beforeAll(async () => {
  redis = await startTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'oidc-op-bootstrap-'));
});

afterAll(async () => {
  await redis?.close();
  await rm(dir, { recursive: true, force: true });
});

const usersIn = async (prefix: string) =>
  (jsonOf(await runCli(['user', 'list', '--json'], { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, NODE_ENV: 'test' })) as { users: { username: string; role: string }[] }).users;

describe('BOOTSTRAP_ADMIN_*', () => {
  test('two instances starting together on an empty Redis make exactly one administrator; a later one with another name makes none', async () => {
    const prefix = `${redis.prefix}boot:`;
    const passwordFile = join(dir, 'admin-password');
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    const bootstrap = { REDIS_KEY_PREFIX: prefix, DEMO: 'false', BOOTSTRAP_ADMIN_USERNAME: 'root', BOOTSTRAP_ADMIN_PASSWORD_FILE: passwordFile };
    const envs = await Promise.all([testEnv(redis, bootstrap), testEnv(redis, bootstrap)]);
    const servers = await Promise.all(envs.map((env) => startServerProcess(env)));
    try {
      const admins = (await usersIn(prefix)).filter((user) => user.role === 'admin');
      expect(admins.map((user) => user.username)).toEqual(['root']);
      const outputs = servers.map((server) => server.output());
      expect(outputs.filter((output) => output.includes('first administrator created from BOOTSTRAP_ADMIN_USERNAME'))).toHaveLength(1);
      for (const output of outputs) expect(output).not.toContain(PASSWORD);

      const trail = jsonOf(await runCli(['audit', 'tail', '--json'], { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, NODE_ENV: 'test' })) as { events: Record<string, unknown>[] };
      expect(trail.events.filter((event) => event.actor === 'env:BOOTSTRAP_ADMIN_USERNAME')).toEqual([expect.objectContaining({ action: 'user create --role admin', user: 'root', outcome: 'success' })]);

      // The administrator signs in with the password from the file.
      const issuer = envs[0]!.ISSUER!;
      const final = await signIn(new UserAgent(issuer), authorizeUrl(issuer, implicitParams()), { username: 'root', password: PASSWORD });
      expect(final.status).toBe(302);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }

    const later = await startServerProcess(await testEnv(redis, { ...bootstrap, BOOTSTRAP_ADMIN_USERNAME: 'other', BOOTSTRAP_ADMIN_PASSWORD: PASSWORD, BOOTSTRAP_ADMIN_PASSWORD_FILE: '' }));
    await later.stop();
    expect(later.output()).not.toContain('first administrator created');
    expect((await usersIn(prefix)).map((user) => user.username)).toEqual(['root']);
  });

  test('without an administrator and without BOOTSTRAP_ADMIN_*, the banner prints the command that makes one', async () => {
    const env = await testEnv(redis, { REDIS_KEY_PREFIX: `${redis.prefix}none:`, DEMO: 'false', NODE_ENV: 'development' });
    const server = await startServerProcess(env);
    await server.stop();
    const output = server.output();
    expect(output).toContain('no administrator exists');
    expect(output).toContain("no administrator yet; create one:\n             printf '%s\\n' 'A-STRONG-PASSWORD' | npx oidc-op user create --username admin --role admin --password-stdin");
  });

  test('a password without a username, or both a password and a file, is refused naming the variables', async () => {
    const alone = await failedStart(await testEnv(redis, { BOOTSTRAP_ADMIN_PASSWORD: PASSWORD }));
    expect(alone.code).toBe(1);
    expect(alone.output).toContain('BOOTSTRAP_ADMIN_PASSWORD: needs BOOTSTRAP_ADMIN_USERNAME');
    expect(alone.output).not.toContain(PASSWORD);
    const both = await failedStart(await testEnv(redis, { BOOTSTRAP_ADMIN_USERNAME: 'root', BOOTSTRAP_ADMIN_PASSWORD: PASSWORD, BOOTSTRAP_ADMIN_PASSWORD_FILE: join(dir, 'admin-password') }));
    expect(both.output).toContain('BOOTSTRAP_ADMIN_PASSWORD and BOOTSTRAP_ADMIN_PASSWORD_FILE: set one of them, not both');
  });
});
