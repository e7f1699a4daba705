/**
 * Every authorization parameter and both sign-in fields have a size bound (src/input-bounds.ts): past it the request
 * ends with our 400 page, before anything is stored, hashed, audited or sent back to the client.
 */
import { describe, expect, test } from '@jest/globals';
import type { Redis } from 'ioredis';
import { AUTHORIZATION_PARAM_MAX, PASSWORD_MAX, USERNAME_MAX } from '../../src/input-bounds.js';
import { authorizeUrl, implicitParams, submitForm, submitLogin } from '../support/flows.js';
import { ALICE, RP, useProvider } from '../support/provider.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider({ PROXY: 'true' });

let addresses = 0;
/** Each test from its own client address, so no test meets another's counters. */
const nextAddress = () => `198.51.100.${++addresses}`;

/** This file's keys matching a pattern (KEYS takes the prefix as written: ioredis adds none to a pattern). */
const keys = (pattern: string): Promise<string[]> => (fixture.op.stores.redis as Redis).keys(`${fixture.redis.prefix}${pattern}`);
const interactionKeys = () => keys('oidc:Interaction:*');

async function signInPage(ua: UserAgent, address: string) {
  const page = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams()), { headers: { 'x-forwarded-for': address } });
  expect(page.status).toBe(200);
  expect(page.body).toContain('name="password"');
  return page;
}

describe('authorization parameters past their bound', () => {
  test.each(['state', 'nonce', 'login_hint', 'ui_locales', 'scope', 'claims', 'acr_values', 'max_age', 'prompt', 'id_token_hint', 'redirect_uri'])(
    'an oversized %s on the GET (the fast lane): our 400 page naming it, no redirect, nothing stored or echoed',
    async (name) => {
      const before = await interactionKeys();
      const max = AUTHORIZATION_PARAM_MAX[name]!;
      const value = name === 'redirect_uri' ? `${RP}?${'r'.repeat(max)}` : 'x'.repeat(max + 1);
      const ua = new UserAgent(fixture.op.issuer);
      const hop = await ua.request(authorizeUrl(fixture.op.issuer, implicitParams({ [name]: value })), { headers: { 'x-forwarded-for': nextAddress() } });
      expect(hop.status).toBe(400);
      expect(hop.location).toBeUndefined();
      expect(hop.headers.get('content-type')).toMatch(/^text\/html/);
      expect(hop.body).toContain(`${name}: at most ${max} characters`);
      expect(hop.body).not.toContain(value);
      expect(await interactionKeys()).toEqual(before);
    },
  );

  test('an unknown parameter is bounded too, and so is a parameter name', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const long = await ua.request(authorizeUrl(fixture.op.issuer, implicitParams({ tracking: 't'.repeat(2049) })), { headers: { 'x-forwarded-for': nextAddress() } });
    expect(long.status).toBe(400);
    expect(long.body).toContain('tracking: at most 2048 characters');
    const named = await ua.request(authorizeUrl(fixture.op.issuer, implicitParams({ ['n'.repeat(65)]: '1' })), { headers: { 'x-forwarded-for': nextAddress() } });
    expect(named.status).toBe(400);
    expect(named.body).toContain('at most 64 characters');
  });

  test('a POSTed authorization request (turned into a GET) meets the same bound', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const hop = await ua.follow(`${fixture.op.issuer}/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': nextAddress() },
      body: new URLSearchParams(implicitParams({ state: 's'.repeat(1025) })).toString(),
    });
    expect(hop.status).toBe(400);
    expect(hop.body).toContain('state: at most 1024 characters');
  });

  test('the end-session endpoint has the same bounds: an oversized state or post_logout_redirect_uri, our 400 page', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const state = await ua.request(`${fixture.op.issuer}/session/end?${new URLSearchParams({ client_id: 'spa-both', state: 's'.repeat(1025) })}`);
    expect(state.status).toBe(400);
    expect(state.body).toContain('state: at most 1024 characters');
    const uri = await ua.request(`${fixture.op.issuer}/session/end?${new URLSearchParams({ client_id: 'spa-both', post_logout_redirect_uri: `${RP}?${'p'.repeat(2048)}` })}`);
    expect(uri.status).toBe(400);
    expect(uri.body).toContain('post_logout_redirect_uri: at most 2048 characters');
  });

  test('values at their bound go through: the sign-in page, and the state comes back byte for byte', async () => {
    const state = `${'s'.repeat(AUTHORIZATION_PARAM_MAX.state! - 3)}%&=`;
    const nonce = 'n'.repeat(AUTHORIZATION_PARAM_MAX.nonce!);
    const ua = new UserAgent(fixture.op.issuer);
    const url = authorizeUrl(fixture.op.issuer, implicitParams({ state, nonce, login_hint: 'a'.repeat(AUTHORIZATION_PARAM_MAX.login_hint!) }));
    const login = await ua.follow(url);
    expect(login.body).toContain('name="password"');
    // The pattern the refusals above check does find interactions: this sign-in's is there.
    expect((await interactionKeys()).length).toBeGreaterThan(0);
    let back = await submitLogin(ua, login, ALICE.username, ALICE.password);
    if (back.status === 200 && back.body.includes('/confirm"')) back = await submitForm(ua, back, 'confirm');
    expect(back.location?.startsWith(RP)).toBe(true);
    expect(fragmentParams(back.location).get('state')).toBe(state);
  });
});

describe('sign-in fields past their bound', () => {
  test.each([
    ['username', 'u'.repeat(USERNAME_MAX + 1), ALICE.password, `Username: too long (at most ${USERNAME_MAX} characters)`],
    ['password', ALICE.username, 'p'.repeat(PASSWORD_MAX + 1), `Password: too long (at most ${PASSWORD_MAX} characters)`],
  ])('an oversized %s: the login page again (400) with a clear message, nothing audited, throttled or echoed', async (_field, username, password, message) => {
    const ua = new UserAgent(fixture.op.issuer);
    const address = nextAddress();
    const page = await signInPage(ua, address);
    const hop = await submitLogin(ua, page, username, password);
    expect(hop.status).toBe(400);
    expect(hop.body).toContain(message);
    expect(hop.body).toContain('name="password"');
    expect(hop.body).not.toContain(username.length > USERNAME_MAX ? username : password);

    await fixture.op.stores.audit.flush();
    const audited = JSON.stringify(await fixture.op.stores.audit.tail(50));
    expect(audited).not.toContain('u'.repeat(USERNAME_MAX + 1));
    expect(await keys('throttle:*')).toEqual([]);
  });
});
