/** What the login and consent pages do for people: languages, remembered sessions, choosers, first-party apps, throttling. */
import { describe, expect, test } from '@jest/globals';
import { passwordHasher } from '../../src/accounts/passwords.js';
import type { UserRecord } from '../../src/accounts/users.js';
import { RedisCollection } from '../../src/storage/redis-collection.js';
import { ALICE, BOB, useProvider } from '../support/provider.js';
import { authorizeUrl, implicitParams, signIn, submitForm, submitLogin } from '../support/flows.js';
import { fragmentParams, inputValue, UserAgent } from '../support/user-agent.js';

// PROXY=true: requests carry their client address in X-Forwarded-For, so each test can be its own address.
const fixture = useProvider({ PROXY: 'true' });
let address = 0;
const nextAddress = () => `198.51.100.${++address}`;

function agent(headers: Record<string, string> = {}): UserAgent {
  const ua = new UserAgent(fixture.op.issuer);
  const forwarded = { 'x-forwarded-for': nextAddress(), ...headers };
  const request = ua.request.bind(ua);
  ua.request = (url, init = {}) => request(url, { ...init, headers: { ...forwarded, ...(init.headers as Record<string, string>) } });
  return ua;
}

const auth = (overrides: Record<string, string> = {}) => authorizeUrl(fixture.op.issuer, implicitParams(overrides));

describe('languages', () => {
  test('ui_locales=zh-CN gives the login page in Simplified Chinese with lang="zh-CN"', async () => {
    const page = await agent().follow(auth({ ui_locales: 'zh-CN en' }));
    expect(page.body).toContain('<html lang="zh-CN">');
    expect(page.body).toContain('<h1>登录</h1>');
    expect(page.body).toContain('>用户名</label>');
  });

  test('Accept-Language chooses when ui_locales does not; zh-TW reads Simplified Chinese rather than English', async () => {
    expect((await agent({ 'accept-language': 'fr;q=0.9, zh-TW;q=0.8, en;q=0.5' }).follow(auth())).body).toContain('<html lang="zh-CN">');
    expect((await agent({ 'accept-language': 'de, en;q=0.1' }).follow(auth())).body).toContain('<html lang="en">');
  });

  test('the language switch reloads the page in the picked language and remembers it', async () => {
    const ua = agent({ 'accept-language': 'en' });
    const english = await ua.follow(auth());
    const link = english.body.match(/href="([^"]*\?lang=zh-CN)"/)![1]!;
    const chinese = await ua.get(link.replace(/&amp;/g, '&'));
    expect(chinese.status).toBe(200);
    expect(chinese.body).toContain('<html lang="zh-CN">');
    expect(chinese.headers.getSetCookie().join()).toMatch(/op_lang=zh-CN;.*httponly/i);
    // A failed login keeps the picked language.
    const failed = await submitLogin(ua, chinese, ALICE.username, 'wrong password');
    expect(failed.body).toContain('用户名或密码不正确。');
  });

  test('discovery advertises both languages', async () => {
    const discovery = (await (await fetch(`${fixture.op.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.ui_locales_supported).toEqual(['en', 'zh-CN']);
  });

  test('?lang= picks a language whatever its letter case, and remembers it', async () => {
    const ua = agent({ 'accept-language': 'en' });
    const english = await ua.follow(auth());
    const picked = await ua.get(`${english.url}?lang=ZH-cn`);
    expect(picked.body).toContain('<html lang="zh-CN">');
    expect(picked.headers.getSetCookie().join()).toContain('op_lang=zh-CN');
  });

  test('the error page follows the language too', async () => {
    const page = await agent({ 'accept-language': 'zh-CN' }).follow(auth({ client_id: 'nobody' }));
    expect(page.status).toBe(400);
    expect(page.body).toContain('<html lang="zh-CN">');
    expect(page.body).toContain('出现了问题');
    expect(page.body).toContain('invalid_client');
  });
});

describe('remember me', () => {
  const sessionCookie = (cookies: string[]) => cookies.find((c) => c.startsWith('_session='));

  test('unchecked: a browser-session cookie; checked: a persistent one', async () => {
    for (const remember of [false, true]) {
      const ua = agent();
      const page = await ua.follow(auth());
      const action = page.body.match(/action="([^"]*\/login)"/)![1]!;
      const form: Record<string, string> = { csrf: inputValue(page.body, 'csrf')!, username: ALICE.username, password: ALICE.password };
      if (remember) form.remember = 'yes';
      const afterLogin = await ua.post(action, form);
      const resumed = await ua.get(afterLogin.location!);
      const cookie = sessionCookie(resumed.headers.getSetCookie());
      expect(cookie).toBeDefined();
      if (remember) expect(cookie).toMatch(/expires=/i);
      else expect(cookie).not.toMatch(/expires=|max-age=/i);
    }
  });

  test('the checkbox has a label and starts unchecked', async () => {
    const page = await agent().follow(auth());
    expect(page.body).toMatch(/<label class="check" for="remember"><input id="remember" type="checkbox" name="remember" value="yes">/);
  });
});

describe('consent', () => {
  test('lists each scope with its display name, description (with the user and client names) and the claims it releases', async () => {
    const ua = agent();
    const login = await ua.follow(auth({ scope: 'openid email phone' }));
    const consent = await submitLogin(ua, login, ALICE.username, ALICE.password);
    expect(consent.body).toContain('Your email address');
    expect(consent.body).toContain('The email address of alice and whether it is verified.');
    expect(consent.body).toContain('Lets Both Implicit Types know it is you, alice, when you come back.');
    expect(consent.body).toContain('Shares: email address, whether the email is verified');
    expect(consent.body).toContain('Your phone number');
    expect(consent.body).toContain('href="https://rp.example.test/privacy"');
  });

  test('first-party clients get no consent page; prompt=consent still asks', async () => {
    const params = { client_id: 'first-party', redirect_uri: 'https://portal.example.test/cb', scope: 'openid email' };
    const ua = agent();
    const login = await ua.follow(auth(params));
    const done = await submitLogin(ua, login, ALICE.username, ALICE.password);
    expect(done.status).toBe(302);
    expect(fragmentParams(done.location).has('access_token')).toBe(true);
    // Asking for more is granted silently too.
    const more = await ua.follow(auth({ ...params, scope: 'openid email profile', prompt: 'none' }));
    expect(fragmentParams(more.location).get('scope')).toBe('openid email profile');
    const forced = await ua.follow(auth({ ...params, prompt: 'consent' }));
    expect(forced.status).toBe(200);
    expect(forced.body).toContain('/confirm"');
  });
});

describe('account chooser', () => {
  const kiosk = { client_id: 'chooser', redirect_uri: 'https://kiosk.example.test/cb' };

  test('a client set to always choose shows the chooser when a session exists, but not right after login', async () => {
    const ua = agent();
    const first = await signIn(ua, auth(kiosk), ALICE);
    expect(first.status).toBe(302);
    const chooser = await ua.follow(auth(kiosk));
    expect(chooser.status).toBe(200);
    expect(chooser.body).toContain('Continue as alice');
    const done = await submitForm(ua, chooser, 'continue');
    expect(done.status).toBe(302);
    expect(fragmentParams(done.location).has('id_token')).toBe(true);
  });

  test('skip_confirm=true skips the chooser; prompt=none never waits for it', async () => {
    const ua = agent();
    await signIn(ua, auth(kiosk), ALICE);
    const skipped = await ua.follow(auth({ ...kiosk, skip_confirm: 'true' }));
    expect(skipped.status).toBe(302);
    expect(fragmentParams(skipped.location).has('id_token')).toBe(true);
    const silent = await ua.follow(auth({ ...kiosk, prompt: 'none' }));
    expect(fragmentParams(silent.location).has('id_token')).toBe(true);
  });

  test('prompt=select_account with skip_confirm=true goes straight through', async () => {
    const ua = agent();
    await signIn(ua, auth(), ALICE);
    const hop = await ua.follow(auth({ prompt: 'select_account', skip_confirm: 'true' }));
    expect(hop.status).toBe(302);
    expect(fragmentParams(hop.location).has('id_token')).toBe(true);
  });
});

describe('throttling failed logins', () => {
  async function attempt(ua: UserAgent, username: string, password: string) {
    const page = await ua.follow(auth());
    return submitLogin(ua, page, username, password);
  }

  test('after five failures on one account the next attempt gets 429 with Retry-After and a page saying when', async () => {
    const results: number[] = [];
    for (let i = 0; i < 6; i++) results.push((await attempt(agent(), BOB.username, `wrong ${i}`)).status);
    expect(results).toEqual([400, 400, 400, 400, 400, 429]);
    const throttled = await attempt(agent(), BOB.username, BOB.password); // even the right password waits
    expect(throttled.status).toBe(429);
    const wait = Number(throttled.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(300);
    expect(throttled.body).toMatch(/Too many failed sign-in attempts\. Try again in \d+ seconds\./);
    expect(throttled.body).toContain('role="alert"');
  });

  test('an unknown account is throttled exactly like a known one', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push((await attempt(agent(), 'alice', 'nope')).status);
      unknown.push((await attempt(agent(), 'no-such-user', 'nope')).status);
    }
    expect(unknown).toEqual(known);
  });

  test('a success clears the account count', async () => {
    const collection = new RedisCollection<UserRecord>(fixture.op.stores.redis!, 'users');
    const hasher = passwordHasher(fixture.op.settings.argon2);
    const now = new Date().toISOString();
    await collection.insert('c4r01', { sub: 'c4r01', username: 'carol', passwordHash: await hasher.hash('carol password'), claims: {}, createdAt: now, updatedAt: now }, 'carol');
    for (let i = 0; i < 4; i++) expect((await attempt(agent(), 'carol', 'wrong')).status).toBe(400);
    expect((await attempt(agent(), 'carol', 'carol password')).status).not.toBe(429);
    for (let i = 0; i < 5; i++) expect((await attempt(agent(), 'carol', 'wrong')).status).toBe(400);
    expect((await attempt(agent(), 'carol', 'wrong')).status).toBe(429);
  });

  test('one address failing on many accounts is throttled after 20 failures', async () => {
    const ua = agent();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await attempt(ua, `someone-${i}`, 'wrong')).status);
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});

describe('passwords', () => {
  test('a hash made with older parameters is replaced at the next successful login', async () => {
    const collection = new RedisCollection<UserRecord>(fixture.op.stores.redis!, 'users');
    const old = passwordHasher({ memoryCost: 9216, timeCost: 3, parallelism: 1 });
    const now = new Date().toISOString();
    await collection.insert('d4ve', { sub: 'd4ve', username: 'dave', passwordHash: await old.hash('dave password'), claims: {}, createdAt: now, updatedAt: now }, 'dave');
    const done = await signIn(agent(), auth(), { username: 'dave', password: 'dave password' });
    expect(done.status).toBe(302);
    const stored = (await collection.get('d4ve'))!.passwordHash;
    const params = new Set(stored.split('$')[3]!.split(','));
    expect(stored.startsWith('$argon2id$v=19$')).toBe(true);
    expect(params).toEqual(new Set(['m=8192', 't=1', 'p=1']));
    expect(passwordHasher(fixture.op.settings.argon2).needsRehash(stored)).toBe(false);
  });
});

describe('headers', () => {
  test('every page: no framing, no referrer, no sniffing; HSTS and Secure cookies when served over HTTPS', async () => {
    const plain = await agent().request(auth());
    expect(plain.headers.get('referrer-policy')).toBe('no-referrer');
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    expect(plain.headers.get('strict-transport-security')).toBeNull();

    const secure = await agent({ 'x-forwarded-proto': 'https' }).request(auth());
    expect(secure.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    for (const cookie of secure.headers.getSetCookie()) expect(cookie.toLowerCase()).toContain('secure');
  });

  test('assets come from our own origin: the stylesheet carries the brand colour', async () => {
    const css = await fetch(`${fixture.op.issuer}/assets/app.css`);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).toContain(':root{--primary:#1f5fbf}');
  });
});
