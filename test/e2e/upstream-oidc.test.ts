/**
 * Sign-in through an upstream OpenID Connect provider: a plain oidc-provider (not our code) started here, defined
 * with the command line; the relying party gets our own sub with the upstream's claims and groups; the upstream's
 * refusal and outage give our page; a replayed answer, or one without its interaction, is refused and audited once;
 * a silent request naming the upstream is asked of it with prompt=none; its answers are on /metrics.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { UPSTREAM_TIMEOUT_SECONDS } from '../../src/idps/oidc-protocol.js';
import { freePort } from '../support/ports.js';
import * as client from 'openid-client';
import { adminApi } from '../support/admin-api.js';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, implicitParams, submitForm, submitLogin } from '../support/flows.js';
import { RP, useProvider } from '../support/provider.js';
import { rpConfiguration, verifyIdToken } from '../support/rp.js';
import { FORGERIES, startForgedUpstream, type Forgery, type ForgedUpstream } from '../support/forged-upstream.js';
import { startUpstreamOidc, UPSTREAM_USERS, type UpstreamOidc } from '../support/upstream-oidc.js';
import { fragmentParams, inputValue, UserAgent, type Hop } from '../support/user-agent.js';

const fixture = useProvider({ PROXY: 'true' });
let upstream: UpstreamOidc;
let forged: ForgedUpstream;
let address = 0;
// An upstream that accepts connections and never answers: the slow case.
let silent: Server;

// Every IdP exists before the first login page: the login page reuses its list of IdPs for a moment.
beforeAll(async () => {
  upstream = await startUpstreamOidc([`${fixture.op.issuer}/federation/corp/callback`]);
  forged = await startForgedUpstream();
  silent = createServer(() => undefined);
  const silentPort = await freePort();
  await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
  await fixture.op.stores.idps.create({ name: 'slow', type: 'oidc', order: 500, oidc: { issuer: `http://127.0.0.1:${silentPort}`, clientId: 'x', clientSecret: 'y' } });
  await fixture.op.stores.idps.create({ name: 'forged', type: 'oidc', displayName: 'Forged', order: 300, oidc: { issuer: forged.issuer, clientId: forged.clientId, clientSecret: forged.clientSecret } });
});
afterAll(async () => {
  await upstream?.close();
  await forged?.close();
  silent?.closeAllConnections();
  silent?.close();
});

const cliEnv = () => ({ REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test', ISSUER: fixture.op.issuer });

function browser(): UserAgent {
  const ua = new UserAgent(fixture.op.issuer);
  const own = { 'x-forwarded-for': `198.51.100.${++address % 250}` };
  const request = ua.request.bind(ua);
  ua.request = (url, init = {}) => request(url, { ...init, headers: { ...own, ...(init.headers as Record<string, string>) } });
  return ua;
}

/** The "Continue with" button's form on our login page, posted. */
async function continueWith(ua: UserAgent, page: Hop, idp: string): Promise<Hop> {
  expect(page.body).toContain(`action="/interaction/`);
  const action = page.body.match(new RegExp(`action="(/interaction/[^"]+/federation/${idp})"`))?.[1];
  if (!action) throw new Error(`no button for ${idp}: ${page.body.slice(0, 400)}`);
  return ua.follow(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf: inputValue(page.body, 'csrf')! }).toString() });
}

/** At the upstream (its own browser cookies): its login page, then `username` (or a refusal); returns the redirect to our callback. */
async function atUpstream(redirect: string, username: string | 'refuse'): Promise<string> {
  expect(redirect.startsWith(`${upstream.issuer}/auth?`)).toBe(true);
  const ua = new UserAgent(upstream.issuer);
  const page = await ua.follow(redirect);
  const action = username === 'refuse' ? page.body.match(/action="([^"]+\/abort)"/)![1]! : page.body.match(/action="([^"]+\/login)"/)![1]!;
  const back = await ua.follow(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: username === 'refuse' ? '' : username }).toString() });
  expect(back.location?.startsWith(`${fixture.op.issuer}/federation/corp/callback?`)).toBe(true);
  return back.location!;
}

async function afterConsent(ua: UserAgent, hop: Hop): Promise<Hop> {
  return hop.status === 200 && hop.body.includes('/confirm"') ? submitForm(ua, hop, 'confirm') : hop;
}

const SCOPE = 'openid profile email groups';

describe('defined with the command line', () => {
  test('create reads the client secret from standard input, prints the redirect_uri, and never shows the secret', async () => {
    const created = await runCli(
      ['idp', 'create', 'corp', '--type', 'oidc', '--issuer', upstream.issuer, '--client-id', upstream.clientId, '--client-secret-stdin', '--scope', 'openid', '--scope', 'email', '--scope', 'profile', '--scope', 'groups', '--scope', 'department', '--domain', 'corp.example', '--display-name', 'Corp SSO', '--display-name-zh', '公司单点登录', '--claim-map', 'department=department', '--json'],
      cliEnv(),
      `${upstream.clientSecret}\n`,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(jsonOf(created)).toMatchObject({ name: 'corp', type: 'oidc', enabled: true, domains: ['corp.example'], redirect_uri: `${fixture.op.issuer}/federation/corp/callback`, oidc: { issuer: upstream.issuer, clientSecretSet: true } });
    const shown = await runCli(['idp', 'show', 'corp', '--json'], cliEnv());
    const listed = await runCli(['idp', 'list'], cliEnv());
    for (const out of [created, shown, listed]) expect(out.stdout + out.stderr).not.toContain(upstream.clientSecret);
    expect(listed.stdout).toContain('corp (oidc, order 100)');
    const tested = await runCli(['idp', 'test', 'corp', '--json'], cliEnv());
    expect(jsonOf(tested)).toMatchObject({ ok: true, steps: [{ step: 'discovery', ok: true }, { step: 'jwks', ok: true, detail: '1 key(s)' }] });
    const refused = await runCli(['idp', 'create', 'bad', '--type', 'oidc', '--issuer', 'ftp://x', '--client-id', 'x', '--client-secret-stdin', '--claim-map', 'sub=id', '--json'], cliEnv(), 's\n');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('oidc.issuer: an http(s) URL');
    expect(refused.stderr).toContain('claimMap.sub');
    // An upstream that does not answer (nothing listens on port 9), for the outage test below.
    const down = await runCli(['idp', 'create', 'down', '--type', 'oidc', '--issuer', 'http://127.0.0.1:9', '--client-id', 'x', '--client-secret-stdin', '--order', '200'], cliEnv(), 's\n');
    expect(down.code).toBe(0);
  });
});

describe('signing in through the upstream', () => {
  let sub = '';
  let session: UserAgent;

  test('the login page offers "Continue with Corp SSO", in each language', async () => {
    const ua = browser();
    const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams()));
    expect(page.body).toContain('Continue with Corp SSO');
    const zh = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ ui_locales: 'zh-CN' })));
    expect(zh.body).toContain('通过 公司单点登录 继续');
  });

  test('carol signs in: the relying party gets our own sub, her upstream claims and groups; she is created just in time', async () => {
    session = browser();
    const config = await rpConfiguration(fixture.op.issuer, 'spa-both');
    const page = await session.follow(client.buildAuthorizationUrl(config, implicitParams({ scope: SCOPE })).href);
    const away = await continueWith(session, page, 'corp');
    expect(away.status).toBe(303);
    const redirect = new URL(away.location!);
    expect(redirect.searchParams.get('code_challenge_method')).toBe('S256');
    expect(redirect.searchParams.get('redirect_uri')).toBe(`${fixture.op.issuer}/federation/corp/callback`);
    const final = await afterConsent(session, await session.follow(await atUpstream(away.location!, 'carol')));
    expect(final.status).toBe(302);
    expect(final.location!.startsWith(`${RP}#`)).toBe(true);
    const params = fragmentParams(final.location);
    const { payload } = await verifyIdToken(fixture.op.issuer, params.get('id_token')!, 'spa-both');
    sub = String(payload.sub);
    expect(sub).toMatch(/^[0-9a-f]{32}$/);
    expect(sub).not.toBe(UPSTREAM_USERS.carol!.sub);
    expect(payload).toMatchObject({ amr: ['fed'], acr: 'urn:oidc-op:acr:federated' });
    const userinfo = await client.fetchUserInfo(config, params.get('access_token')!, sub);
    expect(userinfo).toMatchObject({ sub, name: 'Carol Upstream', email: 'carol@corp.example', email_verified: true, groups: ['engineering', 'vpn-users'] });
    const user = await fixture.op.stores.users.findBySub(sub);
    expect(user).toMatchObject({ passwordHash: '', source: { kind: 'idp', name: 'corp', id: UPSTREAM_USERS.carol!.sub }, externalGroups: ['engineering', 'vpn-users'], claims: { department: 'R&D' }, links: [{ idp: 'corp', subject: UPSTREAM_USERS.carol!.sub }] });
  });

  test('silent SSO afterwards never asks the upstream; a second sign-in finds the same user', async () => {
    const silent = await session.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'none' })));
    expect(silent.status).toBe(302);
    expect((await verifyIdToken(fixture.op.issuer, fragmentParams(silent.location).get('id_token')!, 'spa-both')).payload.sub).toBe(sub);
    const ua = browser();
    const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ scope: SCOPE })));
    const final = await afterConsent(ua, await ua.follow(await atUpstream((await continueWith(ua, page, 'corp')).location!, 'carol')));
    expect((await verifyIdToken(fixture.op.issuer, fragmentParams(final.location).get('id_token')!, 'spa-both')).payload.sub).toBe(sub);
  });

  test('home-realm discovery: carol@corp.example typed on the login form goes to the upstream, not to a password check', async () => {
    const ua = browser();
    const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams()));
    const away = await submitLogin(ua, page, 'carol@corp.example', '');
    expect(away.status).toBe(303);
    expect(new URL(away.location!).searchParams.get('login_hint')).toBe('carol@corp.example');
    expect(away.location!.startsWith(`${upstream.issuer}/auth?`)).toBe(true);
  });

  test('idp_hint skips our login page entirely', async () => {
    const ua = browser();
    const away = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ idp_hint: 'corp' })));
    expect(away.status).toBe(303);
    expect(away.location!.startsWith(`${upstream.issuer}/auth?`)).toBe(true);
    const final = await afterConsent(ua, await ua.follow(await atUpstream(away.location!, 'carol')));
    expect(final.location!.startsWith(`${RP}#`)).toBe(true);
  });
});

describe('refused and failed answers', () => {
  test('the upstream says access_denied: our page names the sign-in, offers another way; no user is created', async () => {
    const before = (await fixture.op.stores.users.list()).length;
    const ua = browser();
    const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams()));
    const failed = await ua.follow(await atUpstream((await continueWith(ua, page, 'corp')).location!, 'refuse'));
    expect(failed.status).toBe(502);
    expect(failed.body).toContain('Sign-in with Corp SSO failed');
    expect(failed.body).toContain('Choose another way to sign in');
    // Giving up: the relying party gets access_denied in its fragment.
    const gaveUp = await submitForm(ua, failed, 'abort');
    expect(fragmentParams(gaveUp.location).get('error')).toBe('access_denied');
    expect((await fixture.op.stores.users.list()).length).toBe(before);
  });

  test('with idp_hint, an upstream refusal goes straight back to the relying party as access_denied', async () => {
    const ua = browser();
    const away = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ idp_hint: 'corp' })));
    const back = await ua.follow(await atUpstream(away.location!, 'refuse'));
    expect(back.status).toBe(302);
    expect(fragmentParams(back.location).get('error')).toBe('access_denied');
  });

  test('a replayed callback, and a callback in another browser, are refused with our page and an audit entry', async () => {
    const ua = browser();
    const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ scope: SCOPE })));
    const callback = await atUpstream((await continueWith(ua, page, 'corp')).location!, 'carol');
    // Another browser (no interaction cookie) brings the answer: the callback verifies it, the done step refuses it.
    const attacker = browser();
    const stolen = await attacker.follow(callback);
    expect(stolen.status).toBe(400);
    expect(stolen.body).toContain('This sign-in has expired');
    // The state is consumed: the rightful browser's replay finds nothing.
    const replayed = await ua.follow(callback);
    expect(replayed.status).toBe(400);
    expect(replayed.body).toContain('This sign-in cannot continue');
    const events = await fixture.op.stores.audit.tail(50, { type: 'login' });
    expect(events.some((e) => e.action?.includes('no pending sign-in for its state'))).toBe(true);
  });

  test('a callback with no pending sign-in, or a forged state, is refused without a 500', async () => {
    const ua = browser();
    for (const query of ['', '?state=forged-state-forged-state-forged&code=x', `?state=${'a'.repeat(43)}&code=x`]) {
      const hop = await ua.get(`${fixture.op.issuer}/federation/corp/callback${query}`);
      expect(hop.status).toBe(400);
    }
    const long = await ua.get(`${fixture.op.issuer}/federation/corp/callback?state=x&code=${'a'.repeat(9000)}`);
    expect(long.status).toBe(414);
    expect(long.headers.get('content-type')).toContain('text/html');
  });

  test('the upstream slow (accepts, never answers): our page after the timeout, not a hang', async () => {
    const ua = browser();
    const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams()));
    const started = Date.now();
    const failed = await continueWith(ua, page, 'slow');
    expect(failed.status).toBe(502);
    expect(failed.body).toContain('is not answering right now');
    expect(Date.now() - started).toBeLessThan((UPSTREAM_TIMEOUT_SECONDS + 3) * 1000);
  }, (UPSTREAM_TIMEOUT_SECONDS + 10) * 1000);

  test('the upstream down: our page says it is not answering, no hang', async () => {
    const ua = browser();
    const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams()));
    const failed = await continueWith(ua, page, 'down');
    expect(failed.status).toBe(502);
    expect(failed.body).toContain('is not answering right now');
  });
});

describe('prompt=none sent on to the upstream', () => {
  /** The relying party's silent request naming the upstream: our side answers with the upstream, never a page. */
  async function silentlyThroughUpstream(ua: UserAgent, atUpstream: UserAgent): Promise<{ upstreamAnswer: URL; back: Hop }> {
    const away = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'none', idp_hint: 'corp' })));
    expect(away.status).toBe(303);
    const sent = new URL(away.location!);
    expect(sent.origin).toBe(upstream.issuer);
    expect(sent.searchParams.get('prompt')).toBe('none');
    const answer = await atUpstream.follow(away.location!);
    expect(answer.location?.startsWith(`${fixture.op.issuer}/federation/corp/callback?`)).toBe(true);
    return { upstreamAnswer: new URL(answer.location!), back: await ua.follow(answer.location!) };
  }

  test('no session here and none at the upstream: its login_required reaches the relying party, no page of ours', async () => {
    const { upstreamAnswer, back } = await silentlyThroughUpstream(browser(), new UserAgent(upstream.issuer));
    expect(upstreamAnswer.searchParams.get('error')).toBe('login_required');
    expect(back.status).toBe(302);
    expect(back.location!.startsWith(`${RP}#`)).toBe(true);
    expect(fragmentParams(back.location).get('error')).toBe('login_required');
    expect(fragmentParams(back.location).get('state')).toBe('state-xyz');
  });

  test('a session at the upstream: the same silent request signs carol in, still no page of ours', async () => {
    // Carol signs in at the upstream once (its cookies kept in this user agent), through our consent.
    const atUpstreamUa = new UserAgent(upstream.issuer);
    const first = browser();
    const away = await first.follow(authorizeUrl(fixture.op.issuer, implicitParams({ scope: SCOPE, idp_hint: 'corp' })));
    const login = await atUpstreamUa.follow(away.location!);
    const action = login.body.match(/action="([^"]+\/login)"/)![1]!;
    const callback = await atUpstreamUa.follow(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: 'carol' }).toString() });
    expect((await afterConsent(first, await first.follow(callback.location!))).location!.startsWith(`${RP}#`)).toBe(true);

    // Another browser here (no session of ours), the same one at the upstream.
    const { upstreamAnswer, back } = await silentlyThroughUpstream(browser(), atUpstreamUa);
    expect(upstreamAnswer.searchParams.get('code')).toBeTruthy();
    expect(back.status).toBe(302);
    const params = fragmentParams(back.location);
    expect(params.get('error')).toBeNull();
    const { payload } = await verifyIdToken(fixture.op.issuer, params.get('id_token')!, 'spa-both');
    const carol = (await fixture.op.stores.users.list()).find((u) => u.source?.kind === 'idp' && u.source.id === UPSTREAM_USERS.carol!.sub);
    expect(payload.sub).toBe(carol?.sub);
  });
});

describe('forged ID tokens (a fake upstream token endpoint)', () => {
  async function through(mode: Forgery): Promise<Hop> {
    forged.mode = mode;
    const ua = browser();
    const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ idp_hint: 'forged' })));
    expect(page.status).toBe(303);
    const atUpstreamAuthorize = await fetch(page.location!, { redirect: 'manual' });
    return afterConsent(ua, await ua.follow(atUpstreamAuthorize.headers.get('location')!));
  }

  test('the honest answer signs in (the fake is faithful)', async () => {
    const final = await through('honest');
    expect(final.location!.startsWith(`${RP}#`)).toBe(true);
  });

  test.each(FORGERIES.filter((f) => f !== 'honest'))('%s: refused, the relying party gets access_denied, the refusal is audited, no user created or changed', async (mode) => {
    const before = JSON.stringify(await fixture.op.stores.users.list());
    const refusals = async () => (await fixture.op.stores.audit.tail(200, { type: 'login' })).filter((e) => e.action?.startsWith('idp forged'));
    const earlier = (await refusals()).length;
    const back = await through(mode);
    expect(back.status).toBe(302);
    expect(fragmentParams(back.location).get('error')).toBe('access_denied');
    expect(JSON.stringify(await fixture.op.stores.users.list())).toBe(before);
    const events = await refusals();
    // One entry for this refusal, written at the callback that refused it, with openid-client's reason and the client.
    expect(events).toHaveLength(earlier + 1);
    expect(events[0]).toMatchObject({ outcome: 'failure', client: 'spa-both', action: expect.stringMatching(/^idp forged: invalid_answer: /) });
    expect(events[0]!.count ?? 1).toBe(1); // not one event recorded twice and folded together
  });
});

describe('/metrics', () => {
  test('upstream answers by IdP and outcome, with their duration: the sign-ins, the refusals and the outage above', async () => {
    const text = await (await fetch(`${fixture.op.issuer}/metrics`)).text();
    const count = (idp: string, outcome: string) => Number(text.match(new RegExp(`^oidc_op_upstream_sign_in_duration_seconds_count\\{idp="${idp}",outcome="${outcome}"\\} (\\d+)`, 'm'))?.[1] ?? 0);
    expect(count('corp', 'success')).toBeGreaterThan(0);
    expect(count('corp', 'denied')).toBeGreaterThan(0);
    expect(count('forged', 'invalid_answer')).toBeGreaterThanOrEqual(FORGERIES.length - 1);
    expect(count('down', 'unavailable')).toBeGreaterThan(0);
    expect(text).toMatch(/^oidc_op_upstream_sign_in_duration_seconds_sum\{idp="corp",outcome="success"\} [0-9.e-]+$/m);
  });
});

describe('the admin API and the command line on users\' links', () => {
  let token = '';
  beforeAll(async () => {
    token = String(jsonOf(await runCli(['admin-token', 'create', '--name', 'idp-admin', '--json'], cliEnv())).token);
  });
  const api = adminApi(() => fixture.op.issuer, () => token);

  test('create, list, change, test and delete; the client secret is write-only; every change audited with its actor', async () => {
    const input = { name: 'second', type: 'oidc', displayName: { en: 'Second', 'zh-CN': '第二' }, oidc: { issuer: upstream.issuer, clientId: upstream.clientId, clientSecret: upstream.clientSecret } };
    const created = await api('POST', '/idps', input);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'second', redirect_uri: `${fixture.op.issuer}/federation/second/callback`, oidc: { clientSecretSet: true } });
    expect((await api('POST', '/idps', input)).status).toBe(409);
    expect((await api('POST', '/idps', { ...input, name: 'third', claimMap: { sub: 'x' } })).json).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('claimMap.sub') });
    const listed = await api('GET', '/idps');
    expect(listed.text).not.toContain(upstream.clientSecret);
    expect((listed.json!.idps as { name: string }[]).map((i) => i.name)).toEqual(['corp', 'second', 'down', 'forged', 'slow']);
    expect((await api('PATCH', '/idps/second', { enabled: false, oidc: { useUserinfo: true } })).json).toMatchObject({ enabled: false, oidc: { useUserinfo: true, clientSecretSet: true } });
    expect((await api('POST', '/idps/second/test')).json).toMatchObject({ ok: true });
    expect((await api('DELETE', '/idps/second')).status).toBe(204);
    expect((await api('GET', '/idps/second')).status).toBe(404);
    const doc = (await (await fetch(`${fixture.op.issuer}/admin/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/idps', '/idps/{name}', '/idps/{name}/test', '/users/{username}/links/{idp}']));
    const events = await fixture.op.stores.audit.tail(20, { type: 'admin' });
    expect(events.find((e) => e.action?.startsWith('idp delete second'))).toMatchObject({ actor: 'token:idp-admin' });
  });

  test('user show lists the linked identities; user unlink (CLI) and the API remove them', async () => {
    const carol = (await fixture.op.stores.users.list()).find((u) => u.source?.kind === 'idp' && u.source.id === UPSTREAM_USERS.carol!.sub)!;
    const shown = jsonOf(await runCli(['user', 'show', carol.username, '--json'], cliEnv()));
    expect(shown).toMatchObject({ links: [{ idp: 'corp', subject: UPSTREAM_USERS.carol!.sub }] });
    const unlinked = await runCli(['user', 'unlink', carol.username, '--idp', 'corp', '--json'], cliEnv());
    expect(unlinked.code).toBe(0);
    expect(jsonOf(unlinked).links).toBeUndefined();
    expect((await api('DELETE', `/users/${encodeURIComponent(carol.username)}/links/corp`)).status).toBe(404);
  });
});

describe('export and import', () => {
  test('a federated user\'s links travel with it, and the imported index signs the same identity in as the same user', async () => {
    const before = await fixture.op.stores.federatedAccounts.resolve({ name: 'forged', linkByVerifiedEmail: false }, { idp: 'forged', subject: 'forged-subject', claims: {}, groups: [] });
    expect(before.kind).toBe('success');
    const document = await fixture.op.stores.adminData.export();
    const exported = document.users.find((u) => u.sub === before.user.sub);
    expect(exported).toMatchObject({ source: { kind: 'idp', name: 'forged', id: 'forged-subject' }, links: [{ idp: 'forged', subject: 'forged-subject' }] });
    await fixture.op.stores.adminData.import(JSON.parse(JSON.stringify(document)), true);
    const after = await fixture.op.stores.federatedAccounts.resolve({ name: 'forged', linkByVerifiedEmail: false }, { idp: 'forged', subject: 'forged-subject', claims: {}, groups: [] });
    expect(after).toMatchObject({ kind: 'success', created: false, user: { sub: before.user.sub } });
    // Two users claiming one upstream identity: the whole document is refused.
    const twice = JSON.parse(JSON.stringify(document)) as typeof document;
    const other = twice.users.find((u) => u.sub !== before.user.sub && !u.source)!;
    Object.assign(other, { links: exported!.links });
    await expect(fixture.op.stores.adminData.import(twice, true)).rejects.toThrow('the same upstream identity');
  });
});

describe('the web console', () => {
  const ADMIN = { username: 'idp-console-admin', password: 'idp console admin password' };
  beforeAll(async () => {
    await fixture.op.stores.users.create({ ...ADMIN, role: 'admin' });
  });

  test('lists, shows the redirect_uri (never the client secret), refuses with the rule named, creates, tests, deletes; unlinks a user', async () => {
    const ua = browser();
    const login = await ua.follow('/admin/idps');
    const list = await submitLogin(ua, login, ADMIN.username, ADMIN.password);
    expect(list.status).toBe(200);
    expect(list.body).toContain('href="/admin/idps/corp"');
    const shown = await ua.follow('/admin/idps/corp');
    expect(shown.body).toContain(`${fixture.op.issuer}/federation/corp/callback`);
    expect(shown.body).not.toContain(upstream.clientSecret);
    const csrf = inputValue(shown.body, 'csrf')!;
    const fields = { name: 'console-idp', displayName: 'Console IdP', issuer: upstream.issuer, clientId: upstream.clientId, clientSecret: upstream.clientSecret, scopes: 'openid email', enabled: 'yes', order: '400' };
    const refused = await ua.post('/admin/idps', { csrf, ...fields, issuer: 'ftp://nope' });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('oidc.issuer: an http(s) URL');
    expect(refused.body).not.toContain(upstream.clientSecret);
    expect((await ua.post('/admin/idps', { csrf, ...fields })).status).toBe(303);
    // Saved again without a client secret: the stored one stays.
    expect((await ua.post('/admin/idps/console-idp', { csrf, ...fields, clientSecret: '', domains: 'console.example' })).status).toBe(303);
    expect((await fixture.op.stores.idps.forSignIn('console-idp'))!).toMatchObject({ domains: ['console.example'], oidc: { clientSecret: upstream.clientSecret } });
    const tested = await ua.post('/admin/idps/console-idp/test', { csrf });
    expect(tested.body).toContain('✓ jwks: 1 key(s)');
    expect((await ua.post('/admin/idps/console-idp/delete', { csrf })).status).toBe(303);
    await expect(fixture.op.stores.idps.require('console-idp')).rejects.toThrow('not found');
    const forgedUser = (await fixture.op.stores.users.list()).find((u) => u.links?.some((l) => l.idp === 'forged'))!;
    const users = await ua.follow('/admin/users');
    expect(users.body).toContain('Signs in through forged');
    expect((await ua.post(`/admin/users/${encodeURIComponent(forgedUser.username)}/unlink/forged`, { csrf })).status).toBe(303);
    expect((await fixture.op.stores.users.findBySub(forgedUser.sub))!.links).toBeUndefined();
  });

  test('a SAML IdP (defined with its metadata elsewhere): its trustEmail and subject attribute edited, and cleared', async () => {
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    await fixture.op.stores.idps.create({ name: 'console-saml', type: 'saml', order: 600, saml: { metadataXml: '<md:EntityDescriptor/>', entityId: 'https://idp.console.example', ssoUrl: 'https://idp.console.example/sso', certificates: [cert] } });
    const ua = browser();
    const shown = await submitLogin(ua, await ua.follow('/admin/idps/console-saml'), ADMIN.username, ADMIN.password);
    expect(shown.body).toContain('name="trustEmail"');
    expect(shown.body).toContain('name="subjectAttribute"');
    expect(shown.body).not.toContain('name="clientSecret"');
    const csrf = inputValue(shown.body, 'csrf')!;
    const fields = { displayName: 'Console SAML', enabled: 'yes', order: '600' };
    expect((await ua.post('/admin/idps/console-saml', { csrf, ...fields, trustEmail: 'yes', subjectAttribute: 'uid' })).status).toBe(303);
    expect(await fixture.op.stores.idps.require('console-saml')).toMatchObject({ trustEmail: true, saml: { subjectAttribute: 'uid', entityId: 'https://idp.console.example' } });
    expect((await ua.post('/admin/idps/console-saml', { csrf, ...fields, subjectAttribute: '' })).status).toBe(303);
    const cleared = await fixture.op.stores.idps.require('console-saml');
    expect(cleared.trustEmail).toBe(false);
    expect(cleared.saml).not.toHaveProperty('subjectAttribute');
    await fixture.op.stores.idps.delete('console-saml');
  });
});
