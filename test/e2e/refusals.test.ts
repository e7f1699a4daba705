import { describe, expect, test } from '@jest/globals';
import { ALICE, RP, useProvider } from '../support/provider.js';
import { authorizeUrl, implicitParams, signIn, submitForm, submitLogin } from '../support/flows.js';
import { fragmentParams, inputValue, UserAgent } from '../support/user-agent.js';

const fixture = useProvider();

async function authorize(params: Record<string, string>) {
  return new UserAgent(fixture.op.issuer).follow(authorizeUrl(fixture.op.issuer, params));
}

describe('errors that may be redirected travel in the fragment with the state', () => {
  test.each([
    ['no nonce', { nonce: '' }, 'invalid_request'],
    ['scope without openid', { scope: 'profile' }, 'invalid_request'],
    ['a response type the client is not registered for', { client_id: 'spa-id-token', response_type: 'id_token token' }, 'unauthorized_client'],
    ['the other response type, likewise', { client_id: 'spa-token', response_type: 'id_token' }, 'unauthorized_client'],
    ['an unsupported response type', { response_type: 'token' }, 'unsupported_response_type'],
    ['a request object', { request: 'eyJhbGciOiJub25lIn0.eyJub25jZSI6Im4ifQ.' }, 'request_not_supported'],
    ['an unknown prompt', { prompt: 'bogus' }, 'invalid_request'],
  ])('%s → %s', async (_label, overrides, error) => {
    const params = Object.fromEntries(Object.entries(implicitParams(overrides)).filter(([, v]) => v !== ''));
    const hop = await authorize(params);
    expect(hop.status).toBe(302);
    expect(hop.location!.startsWith(`${RP}#`)).toBe(true);
    const fragment = fragmentParams(hop.location);
    expect(fragment.get('error')).toBe(error);
    if (error !== 'request_not_supported') expect(fragment.get('error_description')).toBeTruthy();
    expect(fragment.get('state')).toBe('state-xyz');
    expect(fragment.has('id_token')).toBe(false);
    expect(fragment.has('access_token')).toBe(false);
  });

  test('consent denied → access_denied', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const login = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams()));
    const consent = await submitLogin(ua, login, ALICE.username, ALICE.password);
    expect(consent.body).toContain('/confirm"');
    const denied = await submitForm(ua, consent, 'abort');
    expect(denied.status).toBe(302);
    expect(fragmentParams(denied.location).get('error')).toBe('access_denied');
    expect(fragmentParams(denied.location).get('state')).toBe('state-xyz');
  });
});

describe('errors that must not be redirected: our own error page, status 400, no Location', () => {
  test.each([
    ['an unknown client', { client_id: 'nobody' }],
    ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example/cb' }],
    ['an extra query parameter', { redirect_uri: `${RP}?x=1` }],
    ['a trailing slash', { redirect_uri: `${RP}/` }],
    ['a different scheme', { redirect_uri: 'http://rp.example.test/cb' }],
    ['a different case in the path', { redirect_uri: 'https://rp.example.test/CB' }],
    ['no redirect_uri at all', { redirect_uri: '' }],
  ])('%s', async (_label, overrides) => {
    const params = Object.fromEntries(Object.entries(implicitParams(overrides)).filter(([, v]) => v !== ''));
    const hop = await authorize(params);
    expect(hop.status).toBe(400);
    expect(hop.location).toBeUndefined();
    expect(hop.headers.get('content-type')).toContain('text/html');
    expect(hop.body).toContain('<h1>Something went wrong</h1>');
    // Outside production the page names the refused redirect_uri as text (pages/error-explanation.ts), never as a link.
    expect(hop.body).not.toMatch(/(href|src|action)="[^"]*evil\.example/);
    expect(hop.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('login and consent pages', () => {
  test('a wrong password shows the login page again with a message that names neither field', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const login = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams()));
    const wrongPassword = await submitLogin(ua, login, ALICE.username, 'not the password');
    const unknownUser = await submitLogin(ua, login, 'nobody-here', 'not the password');
    for (const page of [wrongPassword, unknownUser]) {
      expect(page.status).toBe(400);
      expect(page.location).toBeUndefined();
      expect(page.body).toContain('The username or password is incorrect.');
      expect(page.body).toContain('role="alert"');
    }
    // The same words whichever was wrong; the username is kept, the password is not.
    expect(inputValue(wrongPassword.body, 'username')).toBe('alice');
    expect(inputValue(wrongPassword.body, 'password')).toBeUndefined();

    const ok = await submitLogin(ua, wrongPassword, ALICE.username, ALICE.password);
    expect(ok.body).toContain('/confirm"');
  });

  test('pages forbid framing, carry a strict CSP, and set HttpOnly SameSite cookies', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const start = await ua.request(authorizeUrl(fixture.op.issuer, implicitParams()));
    expect(start.status).toBe(303);
    const cookies = start.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect(cookie.toLowerCase()).toContain('httponly');
      expect(cookie.toLowerCase()).toContain('samesite=lax');
    }
    const login = await ua.get(start.location!);
    expect(login.headers.get('x-frame-options')).toBe('DENY');
    const csp = login.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(login.headers.get('cache-control')).toBe('no-store');
    expect(login.body).toMatch(/<label for="username">/);
    expect(login.body).toMatch(/<label for="password">/);
    expect(login.body).not.toContain('<script');
  });

  test('a POST without the CSRF token is refused and signs nobody in', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const login = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams()));
    const action = login.body.match(/action="([^"]*\/login)"/)![1]!;
    const forged = await ua.post(action, { username: ALICE.username, password: ALICE.password });
    expect(forged.status).toBe(403);
    expect(forged.location).toBeUndefined();
    const wrongToken = await ua.post(action, { csrf: 'x'.repeat(43), username: ALICE.username, password: ALICE.password });
    expect(wrongToken.status).toBe(403);
    // Still not signed in.
    const none = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'none' })));
    expect(fragmentParams(none.location).get('error')).toBe('login_required');
  });

  test('a POST without the interaction cookie is refused with a start-again page', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const login = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams()));
    const action = login.body.match(/action="([^"]*\/login)"/)![1]!;
    const csrf = inputValue(login.body, 'csrf')!;
    const stranger = new UserAgent(fixture.op.issuer);
    const hop = await stranger.post(action, { csrf, username: ALICE.username, password: ALICE.password });
    expect(hop.status).toBe(400);
    expect(hop.location).toBeUndefined();
    expect(hop.body).toContain('This sign-in has expired');
  });

  test('an unknown or expired interaction shows a start-again page, not a stack trace', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const hop = await ua.get('/interaction/does-not-exist');
    expect(hop.status).toBe(400);
    expect(hop.body).toContain('start again');
    expect(hop.body).not.toMatch(/at \w+ \(/);
  });

  test('a form that is not urlencoded gets a 4xx', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const login = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams()));
    const action = login.body.match(/action="([^"]*\/login)"/)![1]!;
    const json = await ua.request(action, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    const bad = await ua.request(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=%E4%zz' });
    expect(bad.status).toBe(400);
    const big = await ua.request(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `a=${'x'.repeat(20000)}` });
    expect(big.status).toBe(413);
  });
});

describe('tokens', () => {
  test('access tokens last an hour at most by default and implicit clients get no refresh token', async () => {
    const final = await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, implicitParams({ scope: 'openid offline_access' })), ALICE);
    const fragment = fragmentParams(final.location);
    expect(Number(fragment.get('expires_in'))).toBeLessThanOrEqual(3600);
    expect(fragment.has('refresh_token')).toBe(false);
    // KEYS patterns do not get the client's key prefix: spell it out.
    expect((await fixture.op.stores.redis!.keys(`${fixture.redis.prefix}oidc:AccessToken:*`)).length).toBeGreaterThan(0);
    expect(await fixture.op.stores.redis!.keys(`${fixture.redis.prefix}oidc:RefreshToken:*`)).toEqual([]);
  });
});
