import { describe, expect, test } from '@jest/globals';
import * as client from 'openid-client';
import { ALICE, BOB, RP, useProvider } from '../support/provider.js';
import { atHash, rpConfiguration, verifyIdToken } from '../support/rp.js';
import { authorizeUrl, implicitParams, signIn, submitForm, submitLogin } from '../support/flows.js';
import { fragmentParams, inputValue, UserAgent } from '../support/user-agent.js';

const fixture = useProvider();

// Characters a naive implementation would mangle: state must come back byte for byte.
const ODD_STATE = 'st@te/with+odd=chars&é~ ';

describe('response_type=id_token token', () => {
  test('login and consent end in a 302 to the redirect_uri with verifiable tokens in the fragment', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const config = await rpConfiguration(fixture.op.issuer, 'spa-both');
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, implicitParams({ nonce, state: ODD_STATE, scope: 'openid profile email' }));

    const final = await signIn(ua, url.href, ALICE);
    expect(final.status).toBe(302);
    expect(final.location!.startsWith(`${RP}#`)).toBe(true);
    const params = fragmentParams(final.location);
    expect(params.get('state')).toBe(ODD_STATE);
    expect(params.get('token_type')).toBe('Bearer');
    expect(Number(params.get('expires_in'))).toBeGreaterThan(0);
    expect(Number(params.get('expires_in'))).toBeLessThanOrEqual(3600);
    expect(params.has('refresh_token')).toBe(false);
    expect(params.has('code')).toBe(false);

    const accessToken = params.get('access_token')!;
    const { payload, protectedHeader } = await verifyIdToken(fixture.op.issuer, params.get('id_token')!, 'spa-both');
    expect(protectedHeader.alg).toBe('RS256');
    expect(typeof protectedHeader.kid).toBe('string');
    expect(payload.sub).toBe(ALICE.sub);
    expect(payload.nonce).toBe(nonce);
    expect(payload.at_hash).toBe(atHash(accessToken));
    expect(typeof payload.auth_time).toBe('number');
    expect(typeof payload.sid).toBe('string');
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(3600);
    // With an access token, profile and email claims are fetched from userinfo, not carried in the ID token.
    expect(payload.email).toBeUndefined();
    expect(payload.name).toBeUndefined();

    const userinfo = await client.fetchUserInfo(config, accessToken, ALICE.sub);
    expect(userinfo).toMatchObject({ sub: ALICE.sub, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true });
    expect(userinfo.phone_number).toBeUndefined(); // phone scope was not asked for
  });

  test('userinfo accepts the token in a POST form body and refuses a bad one', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const final = await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams({ scope: 'openid email' })), ALICE);
    const accessToken = fragmentParams(final.location).get('access_token')!;

    const posted = await fetch(`${fixture.op.issuer}/me`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: accessToken }),
    });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toEqual({ sub: ALICE.sub, email: 'alice@example.com', email_verified: true });

    const bad = await fetch(`${fixture.op.issuer}/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('invalid_token');
  });

  test('the decision is remembered: the next authorization is silent, also with prompt=none', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);

    const again = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ nonce: 'second', state: 's2' })));
    expect(again.status).toBe(302);
    expect(fragmentParams(again.location).get('state')).toBe('s2');

    const silent = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'none', nonce: 'third', state: 's3' })));
    expect(silent.status).toBe(302);
    const params = fragmentParams(silent.location);
    expect(params.get('state')).toBe('s3');
    const { payload } = await verifyIdToken(fixture.op.issuer, params.get('id_token')!, 'spa-both');
    expect(payload.nonce).toBe('third');
  });

  test('prompt=consent asks again although consent was given', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
    const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'consent' })));
    expect(page.status).toBe(200);
    expect(page.body).toContain('/confirm"');
    const done = await submitForm(ua, page, 'confirm');
    expect(done.status).toBe(302);
    expect(fragmentParams(done.location).has('access_token')).toBe(true);
  });
});

describe('response_type=id_token', () => {
  test('granted profile and email claims travel in the ID token, checked by openid-client', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const config = await rpConfiguration(fixture.op.issuer, 'spa-id-token', true);
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: RP,
      scope: 'openid profile email',
      response_type: 'id_token',
      nonce,
      state,
    });
    const final = await signIn(ua, url.href, ALICE);
    expect(final.status).toBe(302);
    const params = fragmentParams(final.location);
    expect(params.has('access_token')).toBe(false);

    const claims = await client.implicitAuthentication(config, new URL(final.location!), nonce, { expectedState: state });
    expect(claims).toMatchObject({ sub: ALICE.sub, nonce, name: 'Alice Liddell', email: 'alice@example.com' });
    expect(typeof claims.auth_time).toBe('number');
    expect(claims.at_hash).toBeUndefined();
  });
});

describe('prompts and request parameters', () => {
  test('prompt=none without a session answers login_required in the fragment with the state', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const hop = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'none' })));
    expect(hop.status).toBe(302);
    const params = fragmentParams(hop.location);
    expect(params.get('error')).toBe('login_required');
    expect(params.get('state')).toBe('state-xyz');
    expect(params.has('id_token')).toBe(false);
  });

  test('max_age forces a new login although a session exists; auth_time moves forward', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const first = await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
    const firstAuth = (await verifyIdToken(fixture.op.issuer, fragmentParams(first.location).get('id_token')!, 'spa-both')).payload.auth_time as number;
    await new Promise((r) => setTimeout(r, 1100)); // auth_time has a resolution of one second
    const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ max_age: '0' })));
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="password"');
    const again = await submitLogin(ua, page, ALICE.username, ALICE.password);
    expect(again.status).toBe(302);
    const { payload } = await verifyIdToken(fixture.op.issuer, fragmentParams(again.location).get('id_token')!, 'spa-both');
    expect(payload.auth_time as number).toBeGreaterThan(firstAuth);
  });

  test('prompt=login shows the form although a session exists', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
    const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'login' })));
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="password"');
    const done = await submitLogin(ua, page, ALICE.username, ALICE.password);
    expect(done.status).toBe(302);
    expect(fragmentParams(done.location).has('id_token')).toBe(true);
  });

  test('login_hint pre-fills the username; ui_locales, claims_locales, display, acr_values and unknown parameters are accepted', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const page = await ua.follow(
      authorizeUrl(fixture.op.issuer, implicitParams({ login_hint: 'alice', ui_locales: 'en', claims_locales: 'en', display: 'page', acr_values: 'urn:oidc-op:acr:password', made_up: 'ignored' })),
    );
    expect(page.status).toBe(200);
    expect(inputValue(page.body, 'username')).toBe('alice');
    const done = await submitLogin(ua, page, 'alice', ALICE.password);
    const consented = done.body.includes('/confirm"') ? await submitForm(ua, done, 'confirm') : done;
    const { payload } = await verifyIdToken(fixture.op.issuer, fragmentParams(consented.location).get('id_token')!, 'spa-both');
    expect(payload.acr).toBe('urn:oidc-op:acr:password');
  });

  test('the authorization endpoint accepts POST (OIDC Core 3.1.2.1)', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const page = await ua.follow(`${fixture.op.issuer}/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(implicitParams()).toString(),
    });
    expect(page.status).toBe(200);
    let done = await submitLogin(ua, page, ALICE.username, ALICE.password);
    if (done.body.includes('/confirm"')) done = await submitForm(ua, done, 'confirm');
    expect(done.status).toBe(302);
    expect(fragmentParams(done.location).get('state')).toBe('state-xyz');
  });

  test('the claims parameter puts an essential claim into the ID token', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const claims = JSON.stringify({ id_token: { email: { essential: true } } });
    const final = await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams({ scope: 'openid email', claims })), ALICE);
    const { payload } = await verifyIdToken(fixture.op.issuer, fragmentParams(final.location).get('id_token')!, 'spa-both');
    expect(payload.email).toBe('alice@example.com');
  });

  test('id_token_hint of another user asks for a login', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const bobs = await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, implicitParams()), BOB);
    await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
    const hint = fragmentParams(bobs.location).get('id_token')!;
    const none = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'none', id_token_hint: hint })));
    expect(fragmentParams(none.location).get('error')).toBe('login_required');
  });

  test('prompt=select_account shows the chooser for the signed-in user; continue returns tokens', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
    const chooser = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'select_account' })));
    expect(chooser.status).toBe(200);
    expect(chooser.body).toContain('Continue as alice');
    const done = await submitForm(ua, chooser, 'continue');
    expect(done.status).toBe(302);
    const { payload } = await verifyIdToken(fixture.op.issuer, fragmentParams(done.location).get('id_token')!, 'spa-both');
    expect(payload.sub).toBe(ALICE.sub);
  });

  test('select_account: "use another account" signs in someone else', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
    const chooser = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'select_account' })));
    const loginPage = await submitForm(ua, chooser, 'switch');
    expect(loginPage.body).toContain('name="password"');
    let hop = await submitLogin(ua, loginPage, BOB.username, BOB.password);
    if (hop.body.includes('/confirm"')) hop = await submitForm(ua, hop, 'confirm');
    const { payload } = await verifyIdToken(fixture.op.issuer, fragmentParams(hop.location).get('id_token')!, 'spa-both');
    expect(payload.sub).toBe(BOB.sub);
  });

  test('response_mode=form_post answers with an auto-submitting form to the redirect_uri', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const final = await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams({ response_mode: 'form_post' })), ALICE);
    expect(final.status).toBe(200);
    expect(final.body).toContain(`action="${RP}"`);
    expect(inputValue(final.body, 'state')).toBe('state-xyz');
    expect(inputValue(final.body, 'access_token')).toBeTruthy();
    const idToken = inputValue(final.body, 'id_token')!;
    expect((await verifyIdToken(fixture.op.issuer, idToken, 'spa-both')).payload.nonce).toBe('nonce-123');
    // The inline submit script is allowed by its hash, nothing else.
    expect(final.headers.get('content-security-policy')).toMatch(/script-src 'self' 'sha256-/);
  });
});

describe('code flow with PKCE, for relying parties moving off implicit', () => {
  test('openid-client completes the code exchange; a request without PKCE is refused', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const config = await rpConfiguration(fixture.op.issuer, 'web-code');
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: RP,
      scope: 'openid email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const final = await signIn(ua, url.href, ALICE);
    expect(final.status).toBe(302);
    const tokens = await client.authorizationCodeGrant(config, new URL(final.location!), { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.claims()?.sub).toBe(ALICE.sub);
    expect(tokens.refresh_token).toBeUndefined();

    const noPkce = await ua.follow(authorizeUrl(fixture.op.issuer, { client_id: 'web-code', response_type: 'code', scope: 'openid', redirect_uri: RP, state: 'p' }));
    expect(new URL(noPkce.location!).searchParams.get('error')).toBe('invalid_request');
  });
});

describe('logout', () => {
  test('RP-initiated logout ends the session and returns to the registered post-logout URI', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const final = await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
    const idToken = fragmentParams(final.location).get('id_token')!;
    const config = await rpConfiguration(fixture.op.issuer, 'spa-both');
    const endUrl = client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: 'https://rp.example.test/bye', state: 'bye-state' });

    const confirm = await ua.follow(endUrl.href);
    expect(confirm.status).toBe(200);
    expect(confirm.headers.get('x-frame-options')).toBe('DENY');
    const action = confirm.body.match(/action="([^"]+)"/)![1]!;
    const done = await ua.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: inputValue(confirm.body, 'xsrf')!, logout: 'yes' }).toString(),
    });
    expect(done.location).toBe('https://rp.example.test/bye?state=bye-state');

    const after = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'none' })));
    expect(fragmentParams(after.location).get('error')).toBe('login_required');
  });

  test('the end-session endpoint accepts POST too', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const final = await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
    const confirm = await ua.follow(`${fixture.op.issuer}/session/end`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id_token_hint: fragmentParams(final.location).get('id_token')!, post_logout_redirect_uri: 'https://rp.example.test/bye' }).toString(),
    });
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('op.logoutForm');
  });
});

describe('CORS', () => {
  test('userinfo answers a browser app on a registered redirect origin, and no other origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${fixture.op.issuer}/me`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    expect((await preflight('https://rp.example.test')).headers.get('access-control-allow-origin')).toBe('https://rp.example.test');

    const ua = new UserAgent(fixture.op.issuer);
    const final = await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
    const token = fragmentParams(final.location).get('access_token')!;
    const allowed = await fetch(`${fixture.op.issuer}/me`, { headers: { origin: 'https://rp.example.test', authorization: `Bearer ${token}` } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://rp.example.test');
    const other = await fetch(`${fixture.op.issuer}/me`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const discovery = await fetch(`${fixture.op.issuer}/.well-known/openid-configuration`, { headers: { origin: 'https://rp.example.test' } });
    expect(discovery.headers.get('access-control-allow-origin')).toBeTruthy();
    const jwks = await fetch(`${fixture.op.issuer}/jwks`, { headers: { origin: 'https://rp.example.test' } });
    expect(jwks.headers.get('access-control-allow-origin')).toBeTruthy();
  });
});
