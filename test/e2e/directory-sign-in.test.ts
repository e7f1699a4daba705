/**
 * Directory users through our pages, against a real slapd: defined with the command line (bind password on
 * standard input, StartTLS verified against the test's CA), they sign in and the relying party gets their directory
 * claims; silent SSO; each account state's own message; injection refused; the directory down (503, Retry-After,
 * local users and existing sessions unaffected, /readyz ready, /metrics); the throttle before any bind; the admin API.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as client from 'openid-client';
import { adminApi } from '../support/admin-api.js';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, implicitParams, signIn, submitLogin } from '../support/flows.js';
import { ALICE, RP, useProvider } from '../support/provider.js';
import { rpConfiguration, verifyIdToken } from '../support/rp.js';
import { SERVICE_PASSWORD, startSlapd, USER_PASSWORD, type TestSlapd } from '../support/slapd.js';
import { fragmentParams, inputValue, UserAgent, type Hop } from '../support/user-agent.js';

// PROXY=true: each browser is its own client address (X-Forwarded-For), so one test's failures never throttle another's.
const fixture = useProvider({ PROXY: 'true' });
let ldap: TestSlapd;
let address = 0;

beforeAll(async () => {
  ldap = await startSlapd();
});
afterAll(async () => {
  await ldap?.close();
});

const cliEnv = () => ({ REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test' });

function browser(): UserAgent {
  const ua = new UserAgent(fixture.op.issuer);
  const own = { 'x-forwarded-for': `198.51.100.${++address % 250}` };
  const request = ua.request.bind(ua);
  ua.request = (url, init = {}) => request(url, { ...init, headers: { ...own, ...(init.headers as Record<string, string>) } });
  return ua;
}

async function attempt(username: string, password: string, ua = browser()): Promise<Hop> {
  const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'login' })));
  return submitLogin(ua, page, username, password);
}

describe('defined with the command line', () => {
  test('create (bind password from standard input), list and show never print the bind password', async () => {
    const created = await runCli(
      ['directory', 'create', 'corp', '--url', ldap.url, '--bind-dn', ldap.bindDn, '--bind-password-stdin', '--user-base', `ou=people,${ldap.baseDn}`, '--group-base', `ou=groups,${ldap.baseDn}`, '--start-tls', '--ca-file', ldap.caFile, '--domain', 'corp.example', '--domain', 'CORP', '--json'],
      cliEnv(),
      `${SERVICE_PASSWORD}\n`,
    );
    expect(created.code).toBe(0);
    expect(jsonOf(created)).toMatchObject({ name: 'corp', kind: 'openldap', startTls: true, bindPasswordSet: true, domains: ['corp.example', 'CORP'] });
    const shown = await runCli(['directory', 'show', 'corp', '--json'], cliEnv());
    const listed = await runCli(['directory', 'list'], cliEnv());
    for (const out of [created, shown, listed]) expect(out.stdout + out.stderr).not.toContain(SERVICE_PASSWORD);
    expect(listed.stdout).toContain('corp (openldap, order 100)');
    const refused = await runCli(['directory', 'create', 'bad', '--url', 'http://x', '--bind-dn', 'cn=x', '--bind-password-stdin', '--user-base', 'dc=x', '--json'], cliEnv(), 'pw\n');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('url: ldap://host[:port] or ldaps://host[:port]');
  });

  test('directory test prints each step with its time and the claims as they would be issued', async () => {
    const tested = await runCli(['directory', 'test', 'corp', '--username', 'alice', '--password-stdin', '--json'], cliEnv(), `${USER_PASSWORD}\n`);
    expect(tested.code).toBe(0);
    const report = jsonOf(tested) as { outcome: string; steps: { step: string; ms: number }[]; claims: Record<string, string>; groups: string[] };
    expect(report.outcome).toBe('success');
    expect(report.steps.map((s) => s.step)).toEqual(['service bind', 'connect', 'search', 'dn', 'groups', 'bind', 'attributes', 'groups']);
    expect(report.steps.every((s) => typeof s.ms === 'number')).toBe(true);
    expect(report.claims).toMatchObject({ email: 'alice@corp.example', preferred_username: 'alice', sub: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(report.groups).toEqual(['engineers', 'staff', 'unix']);
    const text = await runCli(['directory', 'test', 'corp', '--username', 'alice', '--password-stdin'], cliEnv(), 'Tr0ub4dor-guess\n');
    expect(text.stdout).toMatch(/FAIL bind/);
    expect(text.stdout).not.toContain('Tr0ub4dor-guess');
  });

  test('directory test says a password past its policy\'s pwdMaxAge has expired, before any bind; a fresh one passes', async () => {
    const expired = await runCli(['directory', 'test', 'corp', '--username', 'expiredeve', '--password-stdin', '--json'], cliEnv(), `${USER_PASSWORD}\n`);
    const report = jsonOf(expired) as { outcome: string; state: string; steps: { step: string; ok: boolean; detail?: string }[] };
    expect(report).toMatchObject({ outcome: 'refused', state: 'password_expired' });
    expect(report.steps.find((s) => s.step === 'policy')?.detail).toBe(`cn=expiring,ou=policies,${ldap.baseDn}: pwdMaxAge 86400`);
    expect(report.steps.some((s) => s.step === 'bind')).toBe(false);
    const fresh = await runCli(['directory', 'test', 'corp', '--username', 'freshfred', '--password-stdin', '--json'], cliEnv(), `${USER_PASSWORD}\n`);
    expect(jsonOf(fresh)).toMatchObject({ outcome: 'success' });
  });
});

describe('signing in through our pages', () => {
  let sub = '';
  let session: UserAgent;

  test('alice@corp.example signs in: the relying party gets her directory sub and claims; she is mirrored as a user', async () => {
    session = browser();
    const config = await rpConfiguration(fixture.op.issuer, 'spa-both');
    const url = client.buildAuthorizationUrl(config, implicitParams({ scope: 'openid profile email' }));
    const final = await signIn(session, url.href, { username: 'alice@corp.example', password: USER_PASSWORD });
    expect(final.status).toBe(302);
    expect(final.location!.startsWith(`${RP}#`)).toBe(true);
    const params = fragmentParams(final.location);
    const { payload } = await verifyIdToken(fixture.op.issuer, params.get('id_token')!, 'spa-both');
    sub = String(payload.sub);
    expect(sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const userinfo = await client.fetchUserInfo(config, params.get('access_token')!, sub);
    expect(userinfo).toMatchObject({ sub, name: 'Alice Liddell', given_name: 'Alice', family_name: 'Liddell', preferred_username: 'alice', email: 'alice@corp.example' });
    const user = await fixture.op.stores.users.findBySub(sub);
    expect(user).toMatchObject({ username: 'alice@corp', passwordHash: '', source: { kind: 'directory', name: 'corp', id: sub }, externalGroups: ['engineers', 'staff', 'unix'] });
  });

  test('silent SSO for the directory user, and a local user of the same name still signs in locally', async () => {
    const silent = await session.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'none' })));
    expect(silent.status).toBe(302);
    expect((await verifyIdToken(fixture.op.issuer, fragmentParams(silent.location).get('id_token')!, 'spa-both')).payload.sub).toBe(sub);
    const local = await signIn(browser(), authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
    expect((await verifyIdToken(fixture.op.issuer, fragmentParams(local.location).get('id_token')!, 'spa-both')).payload.sub).toBe(ALICE.sub);
  });

  test.each([
    ['lockedlarry', 'locked after too many failed sign-ins'],
    ['resetrita', 'must change its password'],
    ['expiredeve', 'The password of this directory account has expired'],
  ])('%s gets their own message, not "wrong password", and no 500', async (name, message) => {
    const hop = await attempt(name, USER_PASSWORD);
    expect(hop.status).toBe(403);
    expect(hop.body).toContain(message);
  });

  test('freshfred, under the same pwdMaxAge policy with a password changed today, signs in', async () => {
    const final = await signIn(browser(), authorizeUrl(fixture.op.issuer, implicitParams()), { username: 'freshfred@corp.example', password: USER_PASSWORD });
    expect(final.status).toBe(302);
    expect(fragmentParams(final.location).has('id_token')).toBe(true);
  });

  test.each(['*', '*)(uid=*', 'admin)(|(a=*', 'ａｌｉｃｅ', 'alice\u0007'])('the name %j is refused like a wrong password', async (name) => {
    const hop = await attempt(name, USER_PASSWORD);
    expect(hop.status).toBe(400);
    expect(hop.body).toContain('name="password"');
  });

  test('an over-long name or password is refused before the throttle or the directory sees it', async () => {
    for (const [name, password] of [['a'.repeat(129), USER_PASSWORD], ['alice@corp.example', 'p'.repeat(1025)]] as const) {
      const hop = await attempt(name, password);
      expect(hop.status).toBe(400);
      expect(hop.body).toContain('too long');
    }
  });

  test('an empty password and a wrong one are refused like any wrong password', async () => {
    for (const password of ['', 'not her password']) expect((await attempt('alice@corp.example', password)).status).toBe(400);
  });
});

describe('the directory down', () => {
  test('503 with Retry-After on the login page; local users and existing sessions go on; /readyz ready; /metrics says so', async () => {
    const session = browser();
    await signIn(session, authorizeUrl(fixture.op.issuer, implicitParams()), { username: 'CORP\\bob', password: USER_PASSWORD });
    await ldap.stop();
    try {
      const down = await attempt('bob@corp.example', USER_PASSWORD);
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('30');
      expect(down.body).toContain('not answering right now');
      const local = await signIn(browser(), authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
      expect(local.status).toBe(302);
      const silent = await session.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'none' })));
      expect(fragmentParams(silent.location).has('id_token')).toBe(true);
      expect((await fetch(`${fixture.op.issuer}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${fixture.op.issuer}/metrics`)).text();
      expect(metrics).toContain('oidc_op_directory_up{directory="corp"} 0');
      expect(metrics).toMatch(/oidc_op_directory_sign_in_duration_seconds_count\{directory="corp",outcome="success"\} \d+/);
    } finally {
      await ldap.start();
    }
    const back = await attempt('bob@corp.example', USER_PASSWORD);
    expect(back.location?.startsWith(`${RP}#`)).toBe(true);
    expect(await (await fetch(`${fixture.op.issuer}/metrics`)).text()).toContain('oidc_op_directory_up{directory="corp"} 1');
  });
});

describe('throttling protects the directory', () => {
  test('guesses at a directory account beyond the throttle never reach a bind (the directory counts only the admitted ones)', async () => {
    const statuses: number[] = [];
    // Its forms are one account to the throttle.
    for (let i = 0; i < 12; i++) statuses.push((await attempt(['CORP\\bob', 'bob@corp.example', 'bob@corp'][i % 3]!, `guess ${i}`)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const admitted = statuses.filter((s) => s === 400).length;
    const failures = execFileSync('ldapsearch', ['-x', '-LLL', '-H', ldap.url, '-D', ldap.bindDn, '-w', SERVICE_PASSWORD, '-b', `uid=bob,ou=people,${ldap.baseDn}`, '-s', 'base', '(objectClass=*)', 'pwdFailureTime'])
      .toString()
      .split('\n')
      .filter((l) => l.startsWith('pwdFailureTime:')).length;
    expect(failures).toBe(admitted);
    expect(admitted).toBeLessThan(12);
  });
});

describe('the admin API', () => {
  let token = '';
  beforeAll(async () => {
    token = String(jsonOf(await runCli(['admin-token', 'create', '--name', 'directory-admin', '--json'], cliEnv())).token);
  });
  const api = adminApi(() => fixture.op.issuer, () => token);

  test('create, list, change, test and delete; the bind password is write-only', async () => {
    const input = { name: 'second', urls: [ldap.url], bindDn: ldap.bindDn, bindPassword: SERVICE_PASSWORD, userBase: `ou=people,${ldap.baseDn}`, order: 200 };
    const created = await api('POST', '/directories', input);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'second', bindPasswordSet: true });
    expect((await api('POST', '/directories', input)).status).toBe(409);
    expect((await api('POST', '/directories', { ...input, name: 'third', userFilter: '(uid=x)' })).json).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('userFilter: must contain {username}') });
    const listed = await api('GET', '/directories');
    expect(listed.text).not.toContain(SERVICE_PASSWORD);
    expect((listed.json!.directories as { name: string }[]).map((d) => d.name)).toEqual(['corp', 'second']);
    const changed = await api('PATCH', '/directories/second', { claimMap: { name: 'cn' }, groupBase: `ou=groups,${ldap.baseDn}` });
    expect(changed.json).toMatchObject({ claimMap: { name: 'cn' }, groupBase: `ou=groups,${ldap.baseDn}` });
    const tested = await api('POST', '/directories/second/test', { username: 'alice', password: USER_PASSWORD });
    expect(tested.json).toMatchObject({ outcome: 'success', claims: { name: 'Alice Liddell' }, groups: ['engineers', 'staff', 'unix'] });
    expect((await api('POST', '/directories/second/test', { username: 'lockedlarry', password: USER_PASSWORD })).json).toMatchObject({ outcome: 'refused', state: 'locked' });
    // oldoscar names no policy and changed his password in 2020: a directory max age of 90 days expires it.
    expect((await api('PATCH', '/directories/second', { passwordMaxAgeSeconds: 7776000 })).json).toMatchObject({ passwordMaxAgeSeconds: 7776000 });
    expect((await api('POST', '/directories/second/test', { username: 'oldoscar', password: USER_PASSWORD })).json).toMatchObject({ outcome: 'refused', state: 'password_expired' });
    expect((await api('PATCH', '/directories/second', { passwordMaxAgeSeconds: -5 })).json).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('passwordMaxAgeSeconds: 0 (never) or more') });
    expect((await api('DELETE', '/directories/second')).status).toBe(204);
    expect((await api('GET', '/directories/second')).status).toBe(404);
    const doc = (await (await fetch(`${fixture.op.issuer}/admin/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/directories', '/directories/{name}', '/directories/{name}/test']));
  });
});

describe('the web console', () => {
  const ADMIN = { username: 'dir-admin', password: 'directory admin password' };
  beforeAll(async () => {
    await fixture.op.stores.users.create({ ...ADMIN, role: 'admin' });
  });

  test('lists, shows (never the bind password), refuses with the field named, creates, tests and deletes', async () => {
    const ua = browser();
    const login = await ua.follow('/admin/directories');
    const list = await submitLogin(ua, login, ADMIN.username, ADMIN.password);
    expect(list.status).toBe(200);
    expect(list.body).toContain('href="/admin/directories/corp"');
    const shown = await ua.follow('/admin/directories/corp');
    expect(shown.body).toContain(ldap.bindDn);
    expect(shown.body).not.toContain(SERVICE_PASSWORD);
    const csrf = inputValue(shown.body, 'csrf')!;

    const fields = { name: 'console-dir', kind: 'openldap', urls: ldap.url, bindDn: ldap.bindDn, bindPassword: SERVICE_PASSWORD, userBase: `ou=people,${ldap.baseDn}`, order: '300' };
    const refused = await ua.post('/admin/directories', { csrf, ...fields, urls: 'http://nope' });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('url: ldap://host[:port] or ldaps://host[:port]');
    expect(refused.body).not.toContain(SERVICE_PASSWORD);
    const created = await ua.post('/admin/directories', { csrf, ...fields });
    expect(created.status).toBe(303);
    expect(await fixture.op.stores.directories.require('console-dir')).toMatchObject({ order: 300, bindPasswordSet: true });
    // Saved again without a bind password: the stored one stays.
    expect((await ua.post('/admin/directories/console-dir', { csrf, ...fields, bindPassword: '', claimMap: 'name=cn', passwordMaxAgeSeconds: '7776000' })).status).toBe(303);
    expect(await fixture.op.stores.directories.require('console-dir')).toMatchObject({ passwordMaxAgeSeconds: 7776000 });
    expect((await ua.follow('/admin/directories/console-dir')).body).toContain('value="7776000"');
    const tested = await ua.post('/admin/directories/console-dir/test', { csrf, username: 'alice', password: USER_PASSWORD });
    expect(tested.status).toBe(200);
    expect(tested.body).toContain('success');
    expect(tested.body).toContain('Alice Liddell');
    expect((await ua.post('/admin/directories/console-dir/delete', { csrf })).status).toBe(303);
    await expect(fixture.op.stores.directories.require('console-dir')).rejects.toThrow('not found');
  });
});
