/**
 * The second factor through the real pages on a real redis-server: enrolment of an authenticator app (codes computed
 * with otpauth, as a phone app does), recovery codes, the policy (acr_values, a client's require_mfa), step-up, and
 * every refusal; the ID tokens are checked with jose for acr, amr and auth_time.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import * as client from 'openid-client';
import { Secret, TOTP } from 'otpauth';
import { ACR_MFA, ACR_FEDERATED, ACR_PASSWORD } from '../../src/oidc/acr.js';
import { useProvider } from '../support/provider.js';
import { authorizeUrl, implicitParams, submitForm, submitLogin } from '../support/flows.js';
import { rpConfiguration, verifyIdToken } from '../support/rp.js';
import { fragmentParams, inputValue, UserAgent, type Hop } from '../support/user-agent.js';

const fixture = useProvider({ PROXY: 'true' });
let address = 0;
let user = 0;

// Only Date is under the test's hand (timers, I/O and Redis run for real): the TOTP step and the throttle's waits
// follow from the time set here, never from how long a step took.
beforeEach(() => {
  jest.useFakeTimers({
    now: Date.now(),
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
});
afterEach(() => {
  jest.useRealTimers();
});

function browser(): UserAgent {
  const ua = new UserAgent(fixture.op.issuer);
  const own = { 'x-forwarded-for': `203.0.113.${++address % 250}` };
  const request = ua.request.bind(ua);
  ua.request = (url, init = {}) => request(url, { ...init, headers: { ...own, ...(init.headers as Record<string, string>) } });
  return ua;
}

async function newUser(role = 'user'): Promise<{ username: string; password: string; sub: string }> {
  const username = `mfa-user-${++user}`;
  const password = `${username} long password`;
  const created = await fixture.op.stores.users.create({ username, password, role });
  return { username, password, sub: created.sub };
}

/** The phone app's code for `secret` at the test's clock, `steps` periods away. */
const appCode = (secret: string, steps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + steps * 30_000 });

const action = (page: Hop, path: string) => {
  const found = page.body.match(new RegExp(`action="([^"]*/${path})"`))?.[1];
  if (!found) throw new Error(`no ${path} form (status ${page.status}): ${page.body.slice(0, 300)}`);
  return found;
};
const postCode = (ua: UserAgent, page: Hop, path: 'mfa/totp' | 'mfa/recovery' | 'mfa/enrol', code: string) =>
  ua.post(action(page, path), { csrf: inputValue(page.body, 'csrf')!, code });

const secretOn = (page: Hop) => page.body.match(/<code id="secret">([^<]+)<\/code>/)![1]!.replace(/\s/g, '');
const codesOn = (page: Hop) => [...page.body.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => m[1]!);

async function passwordStep(ua: UserAgent, who: { username: string; password: string }, params: Record<string, string> = {}): Promise<Hop> {
  const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'login', ...params })));
  expect(page.body).toContain('name="password"');
  return ua.follow((await submitLogin(ua, page, who.username, who.password)).location ?? page.url);
}

/** From a page after the second factor (or the consent page) to the ID token of the redirect. */
async function idTokenFrom(ua: UserAgent, hop: Hop, clientId = 'spa-both') {
  let at = hop.status === 303 && hop.location ? await ua.follow(hop.location) : hop;
  if (at.status === 200 && at.body.includes('/confirm"')) at = await submitForm(ua, at, 'confirm');
  const fragment = fragmentParams(at.location);
  const idToken = fragment.get('id_token');
  if (!idToken) throw new Error(`no id_token: ${at.status} ${at.location} ${at.body.slice(0, 200)}`);
  return (await verifyIdToken(fixture.op.issuer, idToken, clientId)).payload;
}

/** Enrols an authenticator app through the sign-in a request naming the MFA ACR starts; answers the key and the codes. */
async function enrol(ua: UserAgent, who: { username: string; password: string }) {
  const page = await passwordStep(ua, who, { acr_values: ACR_MFA });
  expect(page.body).toContain('id="secret"');
  const secret = secretOn(page);
  const done = await postCode(ua, page, 'mfa/enrol', appCode(secret));
  expect(done.status).toBe(200);
  const codes = codesOn(done);
  const next = done.body.match(/id="continue" href="([^"]+)"/)?.[1] ?? done.body.match(/href="([^"]+)" id="continue"/)?.[1];
  const claims = await idTokenFrom(ua, await ua.follow(next!.replace(/&amp;/g, '&')));
  return { secret, codes, claims };
}

test('discovery names the password and the multi-factor ACRs', async () => {
  const discovery = (await (await fetch(`${fixture.op.issuer}/.well-known/openid-configuration`)).json()) as { acr_values_supported: string[] };
  expect(discovery.acr_values_supported).toEqual([ACR_PASSWORD, ACR_FEDERATED, ACR_MFA]);
});

test('a password alone, with nothing asking for more: acr at the password level, amr pwd', async () => {
  const ua = browser();
  const alice = await newUser();
  const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams()));
  const claims = await idTokenFrom(ua, await submitLogin(ua, page, alice.username, alice.password));
  expect(claims.acr).toBe(ACR_PASSWORD);
  expect(claims.amr).toEqual(['pwd']);
});

describe('enrolment during sign-in', () => {
  test('acr_values naming MFA: the key as a server-drawn QR image and as text, a wrong first code refused, the right one enrols, ten recovery codes, acr mfa', async () => {
    const ua = browser();
    const who = await newUser();
    const page = await passwordStep(ua, who, { acr_values: ACR_MFA });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<img class="qr" src="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
    expect(page.body).not.toMatch(/<script(?![^>]*src=)/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const secret = secretOn(page);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const wrong = await postCode(ua, page, 'mfa/enrol', appCode(secret, 5));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('role="alert"');
    expect(await fixture.op.stores.mfa.summary(who.sub)).toMatchObject({ totp: false });

    const started = Math.floor(Date.now() / 1000);
    const done = await postCode(ua, wrong, 'mfa/enrol', appCode(secret));
    expect(done.status).toBe(200);
    const codes = codesOn(done);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect(await fixture.op.stores.mfa.summary(who.sub)).toMatchObject({ totp: true, recoveryCodesLeft: 10 });
    const next = done.body.match(/id="continue" href="([^"]+)"|href="([^"]+)" id="continue"/)!;
    const claims = await idTokenFrom(ua, await ua.follow((next[1] ?? next[2])!.replace(/&amp;/g, '&')));
    expect(claims.acr).toBe(ACR_MFA);
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.auth_time).toBeGreaterThanOrEqual(started);
  });

  test('an account with a factor cannot enrol another with its password alone', async () => {
    const who = await newUser();
    await enrol(browser(), who);
    const ua = browser();
    const page = await passwordStep(ua, who);
    expect(page.body).toContain('/mfa/totp"');
    const refused = await ua.post(action(page, 'mfa/totp').replace('mfa/totp', 'mfa/enrol'), { csrf: inputValue(page.body, 'csrf')!, code: '123456' });
    expect(refused.status).toBe(400);
    expect(refused.body).not.toContain('id_token');
  });
});

describe('an enrolled account', () => {
  test('is asked for its code after the password on every sign-in; the code is accepted once per step', async () => {
    const who = await newUser();
    const { secret } = await enrol(browser(), who);
    jest.setSystemTime(Date.now() + 30_000);

    const ua = browser();
    const page = await passwordStep(ua, who);
    expect(page.body).toContain('autocomplete="one-time-code"');
    expect(page.body).not.toContain('name="password"');
    const code = appCode(secret);
    const claims = await idTokenFrom(ua, await postCode(ua, page, 'mfa/totp', code));
    expect(claims.acr).toBe(ACR_MFA);
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);

    // The same code again (seen over a shoulder): refused, though still within its window.
    const other = browser();
    const again = await passwordStep(other, who);
    const replayed = await postCode(other, again, 'mfa/totp', code);
    expect(replayed.status).toBe(400);
    expect(replayed.body).toContain('already used');
    // The previous step's code was spent at enrolment; the next step's (a fast clock) is still good, once.
    expect((await postCode(other, replayed, 'mfa/totp', appCode(secret, -1))).body).toContain('already used');
    const accepted = await postCode(other, replayed, 'mfa/totp', appCode(secret, 1));
    expect((await idTokenFrom(other, accepted)).acr).toBe(ACR_MFA);
  });

  test('wrong, expired and malformed codes are refused and audited; the sixth try waits, even with the right code', async () => {
    const who = await newUser();
    const { secret } = await enrol(browser(), who);
    jest.setSystemTime(Date.now() + 30_000);
    const ua = browser();
    let page = await passwordStep(ua, who);
    for (const code of [appCode(secret, 3), appCode(secret, -3), 'abcdef', '12345', '1'.repeat(100)]) {
      page = await postCode(ua, page, 'mfa/totp', code);
      expect(page.status).toBe(400);
    }
    const throttled = await postCode(ua, page, 'mfa/totp', appCode(secret));
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.location).toBeUndefined();
    await fixture.op.stores.audit.flush();
    const events = await fixture.op.stores.audit.tail(100, { type: 'mfa', user: who.sub });
    const actions = events.filter((e) => e.outcome === 'failure').map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['totp wrong', 'totp malformed', 'totp throttled']));
  });

  test('a recovery code signs in once; the same code twice is refused; the page says how many are left', async () => {
    const who = await newUser();
    const { codes } = await enrol(browser(), who);
    const ua = browser();
    const page = await passwordStep(ua, who);
    const claims = await idTokenFrom(ua, await postCode(ua, page, 'mfa/recovery', codes[0]!.toLowerCase()));
    expect(claims.acr).toBe(ACR_MFA);
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(await fixture.op.stores.mfa.summary(who.sub)).toMatchObject({ recoveryCodesLeft: 9 });

    const other = browser();
    const again = await passwordStep(other, who);
    const refused = await postCode(other, again, 'mfa/recovery', codes[0]!);
    expect(refused.status).toBe(400);
    expect(refused.location).toBeUndefined();
  });
});

describe('skipping the second factor', () => {
  test('posting to the consent step, resuming the authorization, or posting a code with no password first: no token', async () => {
    const who = await newUser();
    const { secret } = await enrol(browser(), who);
    const ua = browser();
    const page = await passwordStep(ua, who);
    expect(page.body).toContain('/mfa/totp"');
    const csrf = inputValue(page.body, 'csrf')!;
    const base = action(page, 'mfa/totp').replace(/\/mfa\/totp$/, '');

    const consent = await ua.post(`${base}/confirm`, { csrf });
    expect(consent.status).toBe(400);
    expect(consent.location).toBeUndefined();

    // The final step (oidc-provider's resume) with only the password done: the login page again, never a token.
    const resumed = await ua.follow(`${fixture.op.issuer}/auth/${base.split('/').pop()}`);
    expect(resumed.location ?? '').not.toContain('id_token');
    expect(resumed.body).toContain('name="password"');

    // A code posted on an interaction where no password was given.
    const fresh = browser();
    const login = await fresh.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'login' })));
    const skipped = await fresh.post(action(login, 'login').replace(/login$/, 'mfa/totp'), { csrf: inputValue(login.body, 'csrf')!, code: appCode(secret, 1) });
    expect(skipped.status).toBe(400);
    expect(skipped.location).toBeUndefined();
  });
});

describe('policy and step-up', () => {
  test('a client with require_mfa: a password-only session gets login_required silently, then only the second factor (no password again)', async () => {
    const { client_id: clientId } = await fixture.op.stores.clients.create({
      name: 'Needs MFA',
      redirectUris: ['https://mfa.example.test/cb'],
      responseTypes: ['id_token'],
      requireMfa: true,
    });
    const who = await newUser();
    const ua = browser();
    const plain = await idTokenFrom(ua, await submitLogin(ua, await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams())), who.username, who.password));
    expect(plain.acr).toBe(ACR_PASSWORD);

    const params = { client_id: clientId, response_type: 'id_token', scope: 'openid', redirect_uri: 'https://mfa.example.test/cb', nonce: 'n-mfa', state: 's-mfa' };
    const silent = await ua.follow(authorizeUrl(fixture.op.issuer, { ...params, prompt: 'none' }));
    expect(fragmentParams(silent.location).get('error')).toBe('login_required');
    expect(fragmentParams(silent.location).get('id_token')).toBeNull();

    const stepUp = await ua.follow(authorizeUrl(fixture.op.issuer, params));
    expect(stepUp.status).toBe(200);
    expect(stepUp.body).not.toContain('name="password"');
    expect(stepUp.body).toContain('id="secret"');
    const done = await postCode(ua, stepUp, 'mfa/enrol', appCode(secretOn(stepUp)));
    const next = done.body.match(/id="continue" href="([^"]+)"|href="([^"]+)" id="continue"/)!;
    const claims = await idTokenFrom(ua, await ua.follow((next[1] ?? next[2])!.replace(/&amp;/g, '&')), clientId);
    expect(claims.sub).toBe(who.sub);
    expect(claims.acr).toBe(ACR_MFA);
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);

    // Now the session is at the MFA level: silent sign-in to that client works.
    const again = await ua.follow(authorizeUrl(fixture.op.issuer, { ...params, prompt: 'none', nonce: 'n-2' }));
    const idToken = fragmentParams(again.location).get('id_token')!;
    expect((await verifyIdToken(fixture.op.issuer, idToken, clientId)).payload.acr).toBe(ACR_MFA);
  });

  test('mfa.required admins: an administrator enrols at sign-in and a password-only admin session is refused silently; a plain user is not asked', async () => {
    const admin = await newUser('admin');
    const plainUser = await newUser();
    const ua = browser();
    const before = await idTokenFrom(ua, await submitLogin(ua, await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams())), admin.username, admin.password));
    expect(before.acr).toBe(ACR_PASSWORD);
    await fixture.op.stores.providerSettings.set('mfa.required', 'admins');
    await fixture.op.live.refresh();
    try {
      const silent = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'none', nonce: 'n-admin' })));
      expect(fragmentParams(silent.location).get('error')).toBe('login_required');

      const asked = await passwordStep(browser(), admin);
      expect(asked.body).toContain('id="secret"');

      const plain = browser();
      const page = await plain.follow(authorizeUrl(fixture.op.issuer, implicitParams()));
      const claims = await idTokenFrom(plain, await submitLogin(plain, page, plainUser.username, plainUser.password));
      expect(claims.acr).toBe(ACR_PASSWORD);
    } finally {
      await fixture.op.stores.providerSettings.set('mfa.required', 'off');
      await fixture.op.live.refresh();
    }
  });

  test('openid-client (code flow with PKCE) asking for the MFA level gets acr mfa and amr pwd otp mfa in its ID token', async () => {
    const who = await newUser();
    const { secret } = await enrol(browser(), who);
    jest.setSystemTime(Date.now() + 30_000);
    const ua = browser();
    const config = await rpConfiguration(fixture.op.issuer, 'web-code');
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://rp.example.test/cb',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      acr_values: ACR_MFA,
    });
    const loginPage = await ua.follow(url.href);
    const codePage = await submitLogin(ua, loginPage, who.username, who.password);
    let hop = await ua.follow((await postCode(ua, codePage, 'mfa/totp', appCode(secret))).location!);
    if (hop.status === 200 && hop.body.includes('/confirm"')) hop = await submitForm(ua, hop, 'confirm');
    const tokens = await client.authorizationCodeGrant(config, new URL(hop.location!), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const claims = tokens.claims()!;
    expect(claims.acr).toBe(ACR_MFA);
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
  });
});
