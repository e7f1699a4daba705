import { describe, expect, test } from '@jest/globals';
import * as client from 'openid-client';
import { useProvider } from '../support/provider.js';
import { jsonOf, runCli } from '../support/cli.js';
import { freePort } from '../support/ports.js';
import { authorizeUrl, signIn, submitLogin } from '../support/flows.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider();
const ALICE_SUB = '5ab1e5ab1e5ab1e5ab1e5ab1e5ab1e00';
const cliEnv = () => ({
  REDIS_URL: fixture.redis.url,
  REDIS_KEY_PREFIX: fixture.redis.prefix,
  NODE_ENV: 'test',
  ARGON2_MEMORY_KIB: '8192',
  ARGON2_TIME_COST: '1',
});

const cli = (args: string[], stdin?: string) => runCli(args, cliEnv(), stdin);

describe('oidc-op client', () => {
  test('create prints the generated client_id, and the running server honours the client at once', async () => {
    const created = await cli(['client', 'create', '--name', 'Demo SPA', '--redirect-uri', 'http://127.0.0.1:4000/cb', '--response-type', 'id_token token', '--response-type', 'id_token', '--json']);
    expect(created.code).toBe(0);
    const { client_id: clientId, client_secret: secret } = jsonOf(created);
    expect(clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(secret).toBeUndefined();

    const user = await cli(['user', 'create', '--username', 'dora', '--password-stdin', '--email', 'dora@example.com', '--name', 'Dora', '--claim', 'email_verified=true', '--json'], 'dora-password-1\n');
    expect(user.code).toBe(0);
    const { sub } = jsonOf(user);

    const ua = new UserAgent(fixture.op.issuer);
    const final = await signIn(
      ua,
      authorizeUrl(fixture.op.issuer, { client_id: String(clientId), response_type: 'id_token', scope: 'openid email', redirect_uri: 'http://127.0.0.1:4000/cb', nonce: 'n1', state: 's1' }),
      { username: 'dora', password: 'dora-password-1' },
    );
    expect(final.status).toBe(302);
    expect(final.location!.startsWith('http://127.0.0.1:4000/cb#')).toBe(true);
    const { payload } = await verifyIdToken(fixture.op.issuer, fragmentParams(final.location).get('id_token')!, String(clientId));
    expect(payload).toMatchObject({ sub, email: 'dora@example.com', email_verified: true });

    const shown = jsonOf(await cli(['client', 'show', String(clientId), '--json']));
    expect(shown).toMatchObject({ client_id: clientId, client_name: 'Demo SPA', redirect_uris: ['http://127.0.0.1:4000/cb'], response_types: ['id_token token', 'id_token'], grant_types: ['implicit'] });

    const deleted = await cli(['client', 'delete', String(clientId), '--json']);
    expect(jsonOf(deleted)).toEqual({ deleted: clientId });
    const after = await new UserAgent(fixture.op.issuer).follow(
      authorizeUrl(fixture.op.issuer, { client_id: String(clientId), response_type: 'id_token', scope: 'openid', redirect_uri: 'http://127.0.0.1:4000/cb', nonce: 'n', state: 's' }),
    );
    expect(after.status).toBe(400);
    expect(after.location).toBeUndefined();
  });

  test('a confidential client gets a secret shown once, stored only as a hash, and usable at the token endpoint', async () => {
    const created = jsonOf(await cli(['client', 'create', '--name', 'Legacy web', '--redirect-uri', 'https://legacy.example.test/cb', '--response-type', 'code', '--auth-method', 'client_secret_basic', '--json']));
    const secret = String(created.client_secret);
    expect(secret.length).toBeGreaterThanOrEqual(43);
    const stored = await fixture.op.stores.redis!.hget('{clients}:records', String(created.client_id)); // the client adds the key prefix
    expect(stored).not.toContain(secret);
    expect(stored).toContain('sha256:');
    expect(jsonOf(await cli(['client', 'show', String(created.client_id), '--json'])).client_secret).toBeUndefined();

    const config = await client.discovery(new URL(fixture.op.issuer), String(created.client_id), undefined, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://legacy.example.test/cb',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'st',
    });
    const final = await signIn(new UserAgent(fixture.op.issuer), url.href, { username: 'alice', password: 'correct horse battery' });
    const tokens = await client.authorizationCodeGrant(config, new URL(final.location!), { pkceCodeVerifier: verifier, expectedState: 'st' });
    expect(tokens.access_token).toBeTruthy();

    const wrong = await client.discovery(new URL(fixture.op.issuer), String(created.client_id), undefined, client.ClientSecretBasic('wrong'), { execute: [client.allowInsecureRequests] });
    await expect(client.authorizationCodeGrant(wrong, new URL(final.location!), { pkceCodeVerifier: verifier, expectedState: 'st' })).rejects.toMatchObject({ status: 401 });
  });

  test('--first-party and --always-select-account are stored and honoured: no consent page for a first-party client', async () => {
    const created = jsonOf(await cli(['client', 'create', '--name', 'Intranet', '--redirect-uri', 'https://intranet.example.test/cb', '--response-type', 'id_token token', '--first-party', '--always-select-account', '--json']));
    const shown = jsonOf(await cli(['client', 'show', String(created.client_id), '--json']));
    expect(shown).toMatchObject({ first_party: true, always_select_account: true });
    const final = await signIn(
      new UserAgent(fixture.op.issuer),
      authorizeUrl(fixture.op.issuer, { client_id: String(created.client_id), response_type: 'id_token token', scope: 'openid email', redirect_uri: 'https://intranet.example.test/cb', nonce: 'n', state: 's' }),
      { username: 'alice', password: 'correct horse battery' },
    );
    expect(final.status).toBe(302); // straight from login to the client: no consent page
    expect(fragmentParams(final.location).has('access_token')).toBe(true);
  });

  test('refusals name the field and rule, exit non-zero, and change nothing', async () => {
    const before = jsonOf(await cli(['client', 'list', '--json']));
    const cases: [string[], RegExp][] = [
      [['client', 'create', '--name', 'x', '--redirect-uri', 'http://evil.example/cb', '--response-type', 'id_token', '--json'], /redirect-uri http:\/\/evil\.example\/cb: must use https/],
      [['client', 'create', '--name', 'x', '--redirect-uri', 'https://a.example/cb#frag', '--response-type', 'id_token', '--json'], /must not contain a fragment/],
      [['client', 'create', '--name', 'x', '--redirect-uri', 'https://*.example/cb', '--response-type', 'id_token', '--json'], /must not contain wildcards/],
      [['client', 'create', '--name', 'x', '--redirect-uri', 'https://a.example/cb', '--response-type', 'token', '--json'], /response-type: one of/],
      [['client', 'create', '--redirect-uri', 'https://a.example/cb', '--response-type', 'id_token', '--json'], /name: required/],
      [['client', 'create', '--name', 'x', '--response-type', 'id_token', '--json'], /redirect-uri: at least one/],
      [['client', 'show', 'nope', '--json'], /client nope: not found/],
      [['client', 'delete', 'nope', '--json'], /client nope: not found/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
    }
    expect(jsonOf(await cli(['client', 'list', '--json']))).toEqual(before);

    const usage = await cli(['client', 'create', '--bogus']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: oidc-op');
  });
});

describe('oidc-op without its Redis', () => {
  test('says where it could not connect and why, and exits 1 at once', async () => {
    const port = await freePort();
    const result = await runCli(['client', 'list', '--json'], { ...cliEnv(), REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain(`oidc-op: cannot reach Redis at REDIS_URL redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(result.stderr).not.toContain('Unhandled error event');
  });

  test('on a Cluster none of whose nodes answers: names the nodes and exits 1', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const result = await runCli(['client', 'list', '--json'], { ...cliEnv(), REDIS_URL: '', REDIS_CLUSTER_NODES: `127.0.0.1:${a},127.0.0.1:${b}` });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain(`oidc-op: cannot reach Redis at REDIS_CLUSTER_NODES 127.0.0.1:${a},127.0.0.1:${b}: Failed to refresh slots cache.`);
  });

  test('through Sentinels none of which answers: gives up after its deadline rather than retry for ever', async () => {
    const port = await freePort();
    const result = await runCli(['client', 'list', '--json'], { ...cliEnv(), REDIS_URL: '', REDIS_SENTINELS: `127.0.0.1:${port}`, REDIS_SENTINEL_NAME: 'mymaster' });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain(`oidc-op: cannot reach Redis at REDIS_SENTINELS 127.0.0.1:${port} (master mymaster): All sentinels are unreachable`);
  });
});

describe('oidc-op client lifecycle', () => {
  const authorize = (clientId: string, redirect: string, extra: Record<string, string> = {}) =>
    authorizeUrl(fixture.op.issuer, { client_id: clientId, response_type: 'id_token token', scope: 'openid', redirect_uri: redirect, nonce: 'n', state: 's', ...extra });
  const alice = { username: 'alice', password: 'correct horse battery' };

  test('update replaces what is given and the server follows at once; refused updates change nothing', async () => {
    const { client_id: id } = jsonOf(await cli(['client', 'create', '--name', 'Old Name', '--redirect-uri', 'https://old.example.test/cb', '--response-type', 'id_token token', '--json'])) as { client_id: string };
    const updated = jsonOf(await cli(['client', 'update', id, '--name', 'New Name', '--description', 'The team wiki', '--redirect-uri', 'https://new.example.test/cb', '--json']));
    expect(updated).toMatchObject({ client_name: 'New Name', description: 'The team wiki', redirect_uris: ['https://new.example.test/cb'], response_types: ['id_token token'], disabled: false });

    const old = await new UserAgent(fixture.op.issuer).follow(authorize(id, 'https://old.example.test/cb'));
    expect(old.status).toBe(400);
    expect(old.location).toBeUndefined();
    expect((await signIn(new UserAgent(fixture.op.issuer), authorize(id, 'https://new.example.test/cb'), alice)).status).toBe(302);

    const before = jsonOf(await cli(['client', 'show', id, '--json']));
    for (const args of [['--redirect-uri', 'http://evil.example/cb'], ['--grant-type', 'refresh_token'], ['--scope', 'openid', '--scope', 'nonsense'], ['--access-token-ttl', '5'], ['--name', '']]) {
      const refused = await cli(['client', 'update', id, ...args, '--json']);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
    }
    expect((await cli(['client', 'update', id, '--grant-type', 'refresh_token', '--json'])).stderr).toMatch(/grant-type: implicit is needed by the response types/);
    expect((await cli(['client', 'update', id, '--scope', 'nonsense', '--json'])).stderr).toMatch(/scope nonsense: not a scope this provider knows/);
    expect(jsonOf(await cli(['client', 'show', id, '--json']))).toEqual(before);
    expect((await cli(['client', 'update', 'no-such-client', '--name', 'x', '--json'])).stderr).toMatch(/client no-such-client: not found/);
  });

  test('allowed scopes, token lifetimes, and grant types are enforced', async () => {
    const { client_id: id } = jsonOf(
      await cli(['client', 'create', '--name', 'Narrow', '--redirect-uri', 'https://narrow.example.test/cb', '--response-type', 'id_token token', '--scope', 'openid email', '--access-token-ttl', '300', '--id-token-ttl', '120', '--json']),
    ) as { client_id: string };
    const ua = new UserAgent(fixture.op.issuer);
    const final = await signIn(ua, authorize(id, 'https://narrow.example.test/cb', { scope: 'openid email' }), alice);
    const fragment = fragmentParams(final.location);
    expect(fragment.get('expires_in')).toBe('300');
    const { payload } = await verifyIdToken(fixture.op.issuer, fragment.get('id_token')!, id);
    expect(payload.exp! - payload.iat!).toBe(120);
    const tooMuch = await ua.follow(authorize(id, 'https://narrow.example.test/cb', { scope: 'openid profile' }));
    expect(fragmentParams(tooMuch.location).get('error')).toBe('invalid_scope');

    const code = jsonOf(await cli(['client', 'create', '--name', 'With refresh', '--redirect-uri', 'https://code.example.test/cb', '--response-type', 'code', '--grant-type', 'authorization_code', '--grant-type', 'refresh_token', '--auth-method', 'client_secret_basic', '--json']));
    expect(jsonOf(await cli(['client', 'show', String(code.client_id), '--json'])).grant_types).toEqual(['authorization_code', 'refresh_token']);
    expect((await cli(['client', 'create', '--name', 'x', '--redirect-uri', 'https://x.example.test/cb', '--response-type', 'id_token', '--grant-type', 'implicit', '--grant-type', 'refresh_token', '--json'])).stderr).toMatch(
      /refresh_token needs authorization_code \(implicit clients never get refresh tokens\)/,
    );
  });

  test('disable makes the client unknown to sign-in until enabled again', async () => {
    const { client_id: id } = jsonOf(await cli(['client', 'create', '--name', 'Toggle', '--redirect-uri', 'https://toggle.example.test/cb', '--response-type', 'id_token token', '--json'])) as { client_id: string };
    expect(jsonOf(await cli(['client', 'disable', id, '--json']))).toMatchObject({ disabled: true });
    const refused = await new UserAgent(fixture.op.issuer).follow(authorize(id, 'https://toggle.example.test/cb'));
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('invalid_client');
    expect(jsonOf(await cli(['client', 'enable', id, '--json']))).toMatchObject({ disabled: false });
    expect((await signIn(new UserAgent(fixture.op.issuer), authorize(id, 'https://toggle.example.test/cb'), alice)).status).toBe(302);
  });

  test('rotate-secret: the new secret works at the token endpoint, the old one no longer does', async () => {
    const created = jsonOf(await cli(['client', 'create', '--name', 'Rotating', '--redirect-uri', 'https://rot.example.test/cb', '--response-type', 'code', '--auth-method', 'client_secret_post', '--json'])) as { client_id: string; client_secret: string };
    const rotated = jsonOf(await cli(['client', 'rotate-secret', created.client_id, '--json'])) as { client_id: string; client_secret: string };
    expect(rotated.client_secret).not.toBe(created.client_secret);
    const tokenCall = (secret: string) =>
      fetch(`${fixture.op.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: 'https://rot.example.test/cb', client_id: created.client_id, client_secret: secret, code_verifier: 'x'.repeat(43) }),
      }).then(async (r) => ((await r.json()) as { error: string }).error);
    expect(await tokenCall(created.client_secret)).toBe('invalid_client');
    expect(await tokenCall(rotated.client_secret)).toBe('invalid_grant'); // authenticated; only the code is bogus
    const publicClient = jsonOf(await cli(['client', 'create', '--name', 'Public', '--redirect-uri', 'https://pub.example.test/cb', '--response-type', 'id_token', '--json']));
    expect((await cli(['client', 'rotate-secret', String(publicClient.client_id), '--json'])).stderr).toMatch(/public client \(auth-method none\) has no secret/);
  });

  test('two concurrent updates of one client both take effect', async () => {
    const { client_id: id } = jsonOf(await cli(['client', 'create', '--name', 'Contended', '--redirect-uri', 'https://a.example.test/cb', '--response-type', 'id_token', '--json'])) as { client_id: string };
    const [first, second] = await Promise.all([
      cli(['client', 'update', id, '--name', 'Renamed', '--json']),
      cli(['client', 'update', id, '--redirect-uri', 'https://b.example.test/cb', '--json']),
    ]);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(jsonOf(await cli(['client', 'show', id, '--json']))).toMatchObject({ client_name: 'Renamed', redirect_uris: ['https://b.example.test/cb'] });
  });
});

describe('oidc-op audit', () => {
  test('logins, consent, token issuance and admin changes are recorded, without secrets or tokens', async () => {
    const created = jsonOf(await cli(['client', 'create', '--name', 'Audited', '--redirect-uri', 'https://audited.example.test/cb', '--response-type', 'id_token token', '--json']));
    const clientId = String(created.client_id);
    await cli(['client', 'create', '--name', 'Broken', '--redirect-uri', 'http://evil.example/cb', '--response-type', 'id_token', '--json']);
    const params = { client_id: clientId, response_type: 'id_token token', scope: 'openid', redirect_uri: 'https://audited.example.test/cb', nonce: 'n', state: 's' };
    const ua = new UserAgent(fixture.op.issuer);
    const page = await ua.follow(authorizeUrl(fixture.op.issuer, params));
    await submitLogin(ua, page, 'alice', 'a wrong password');
    const final = await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, params), { username: 'alice', password: 'correct horse battery' });
    const token = fragmentParams(final.location).get('access_token')!;
    await fixture.op.stores.audit.flush(); // the server batches its events

    const tail = await cli(['audit', 'tail', '--limit', '50', '--json']);
    expect(tail.code).toBe(0);
    const { events } = jsonOf(tail) as { events: Record<string, unknown>[] };
    const about = events.filter((e) => e.client === clientId);
    expect(about).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'admin', outcome: 'success', action: 'client create', actor: expect.stringMatching(/^cli:/) }),
        expect.objectContaining({ type: 'login', outcome: 'failure', user: 'alice', action: 'wrong username or password', ip: expect.any(String) }),
        expect.objectContaining({ type: 'login', outcome: 'success', user: ALICE_SUB }),
        expect.objectContaining({ type: 'consent.given', outcome: 'success', user: ALICE_SUB, action: 'openid' }),
        expect.objectContaining({ type: 'token.issued', outcome: 'success', user: ALICE_SUB, action: 'authorization id_token token' }),
      ]),
    );
    expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'admin', outcome: 'failure', action: 'client create' })]));
    // Newest first, and nothing secret in any of it.
    expect(events.map((e) => e.time)).toEqual([...events.map((e) => String(e.time))].sort().reverse());
    const text = JSON.stringify(events);
    for (const secret of [token, 'correct horse battery', 'a wrong password']) expect(text).not.toContain(secret);

    const filtered = jsonOf(await cli(['audit', 'tail', '--client', clientId, '--json'])) as { events: Record<string, unknown>[] };
    expect(filtered.events.length).toBe(about.length);
    expect(filtered.events.every((e) => e.client === clientId)).toBe(true);
  });
});

describe('oidc-op audit tail on a terminal', () => {
  test('a username forged with escapes and a newline prints no escape byte and no extra line', async () => {
    const clientId = String(jsonOf(await cli(['client', 'create', '--name', 'Forged', '--redirect-uri', 'https://forged.example.test/cb', '--response-type', 'id_token token', '--json'])).client_id);
    const params = { client_id: clientId, response_type: 'id_token token', scope: 'openid', redirect_uri: 'https://forged.example.test/cb', nonce: 'n', state: 's' };
    const ua = new UserAgent(fixture.op.issuer);
    const forged = 'mallory\x1b[2J\x1b[H\u202e\n2026-12-06T00:00:00.000Z  login  success  actor=root';
    expect((await submitLogin(ua, await ua.follow(authorizeUrl(fixture.op.issuer, params)), forged, 'a wrong password')).status).toBe(400);
    await fixture.op.stores.audit.flush();

    const tail = await cli(['audit', 'tail', '--client', clientId]);
    expect(tail.code).toBe(0);
    expect(tail.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u202e]/);
    const lines = tail.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2); // the failed login and the client's creation, one line each
    expect(lines[0]).toContain('user=mallory\\x1b[2J\\x1b[H\\u202e\\n2026-12-06T00:00:00.000Z  login  success  actor=root');
    expect(lines[1]).toMatch(/ admin {2}success {2}client create {2}actor=cli:/);
  });
});

describe('oidc-op user', () => {
  test('create, list, show, set-password, delete; the server sees each change at once', async () => {
    const created = jsonOf(await cli(['user', 'create', '--username', 'erin', '--password-stdin', '--claim', 'given_name=Erin', '--claim', 'address={"country":"NL"}', '--json'], 'first-password\n'));
    expect(created).toMatchObject({ username: 'erin', claims: { given_name: 'Erin', address: { country: 'NL' } } });
    expect(created.sub).not.toBe('erin');
    expect(JSON.stringify(created)).not.toContain('argon2');

    const listed = jsonOf(await cli(['user', 'list', '--json'])) as { users: { username: string }[] };
    expect(listed.users.map((u) => u.username)).toContain('erin');
    expect(jsonOf(await cli(['user', 'show', 'ERIN', '--json']))).toMatchObject({ username: 'erin', sub: created.sub });

    const params = { client_id: 'spa-both', response_type: 'id_token', scope: 'openid', redirect_uri: 'https://rp.example.test/cb', nonce: 'n', state: 's' };
    const first = await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, params), { username: 'erin', password: 'first-password' });
    expect(first.status).toBe(302);

    expect((await cli(['user', 'set-password', 'erin', '--password-stdin', '--json'], 'second-password\n')).code).toBe(0);
    const ua = new UserAgent(fixture.op.issuer);
    const page = await ua.follow(authorizeUrl(fixture.op.issuer, params));
    expect((await submitLogin(ua, page, 'erin', 'first-password')).status).toBe(400);
    expect((await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, params), { username: 'erin', password: 'second-password' })).status).toBe(302);

    const duplicate = await cli(['user', 'create', '--username', 'Erin', '--password-stdin', '--json'], 'another-password\n');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already taken/);
    const short = await cli(['user', 'create', '--username', 'frank', '--password-stdin', '--json'], 'short\n');
    expect(short.stderr).toMatch(/password: at least 8 characters/);
    const badClaim = await cli(['user', 'create', '--username', 'frank', '--password-stdin', '--claim', 'iss=https://forged.example', '--json'], 'long-enough-pw\n');
    expect(badClaim.stderr).toMatch(/claim iss: reserved by the protocol/);
    const noStdin = await cli(['user', 'create', '--username', 'frank', '--json']);
    expect(noStdin.stderr).toMatch(/--password-stdin/);
    expect((jsonOf(await cli(['user', 'list', '--json'])) as { users: { username: string }[] }).users.map((u) => u.username)).not.toContain('frank');

    expect(jsonOf(await cli(['user', 'delete', 'erin', '--json']))).toMatchObject({ deleted: 'erin' });
    const gone = new UserAgent(fixture.op.issuer);
    const loginPage = await gone.follow(authorizeUrl(fixture.op.issuer, params));
    expect((await submitLogin(gone, loginPage, 'erin', 'second-password')).status).toBe(400);
  });

  test('roles, updates and disabling: a disabled user cannot sign in and loses their session and tokens', async () => {
    const created = jsonOf(await cli(['user', 'create', '--username', 'gina', '--password-stdin', '--role', 'admin', '--email', 'gina@example.com', '--json'], 'gina-password\n'));
    expect(created).toMatchObject({ username: 'gina', role: 'admin', disabled: false });
    const updated = jsonOf(await cli(['user', 'update', 'gina', '--name', 'Gina', '--claim', 'email=null', '--role', 'user', '--json']));
    expect(updated).toMatchObject({ role: 'user', claims: { name: 'Gina' } });
    expect((updated.claims as Record<string, unknown>).email).toBeUndefined();
    expect((await cli(['user', 'update', 'gina', '--role', 'root', '--json'])).stderr).toMatch(/role: one of user, admin/);

    const params = { client_id: 'spa-both', response_type: 'id_token token', scope: 'openid', redirect_uri: 'https://rp.example.test/cb', nonce: 'n', state: 's' };
    const ua = new UserAgent(fixture.op.issuer);
    const signedIn = await signIn(ua, authorizeUrl(fixture.op.issuer, params), { username: 'gina', password: 'gina-password' });
    const token = fragmentParams(signedIn.location).get('access_token')!;

    expect(jsonOf(await cli(['user', 'disable', 'gina', '--json']))).toMatchObject({ disabled: true });
    const silent = await ua.follow(authorizeUrl(fixture.op.issuer, { ...params, prompt: 'none' }));
    expect(fragmentParams(silent.location).get('error')).toBe('login_required');
    expect((await fetch(`${fixture.op.issuer}/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const fresh = new UserAgent(fixture.op.issuer);
    const page = await fresh.follow(authorizeUrl(fixture.op.issuer, params));
    const refused = await submitLogin(fresh, page, 'gina', 'gina-password');
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('The username or password is incorrect.'); // the same words as a wrong password

    expect(jsonOf(await cli(['user', 'enable', 'gina', '--json']))).toMatchObject({ disabled: false });
    expect((await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, params), { username: 'gina', password: 'gina-password' })).status).toBe(302);
  });

  test('without REDIS_URL and with no development server running, the command line says what to do in one line', async () => {
    const result = await runCli(['user', 'list', '--json'], { NODE_ENV: 'test', CLI_TOKEN_FILE: '/nonexistent/oidc-op/cli-token' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^oidc-op: no server to talk to: .*npm start.*REDIS_URL.*\n$/);
  });
});
