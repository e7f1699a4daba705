/**
 * The login throttle through the real login route on a real redis-server: parallel guesses cost what serial ones
 * cost, and a browser that signed in before keeps its way in while strangers trip the account's throttle.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { passwordHasher } from '../../src/accounts/passwords.js';
import type { UserRecord } from '../../src/accounts/users.js';
import { RedisCollection } from '../../src/storage/redis-collection.js';
import { useProvider } from '../support/provider.js';
import { authorizeUrl, implicitParams } from '../support/flows.js';
import { inputValue, UserAgent, type Hop } from '../support/user-agent.js';

// PROXY=true: each browser is its own client address (X-Forwarded-For), so only the account's throttle is in play.
const fixture = useProvider({ PROXY: 'true' });
let address = 0;
let user = 0;

// Only Date stands still (timers, I/O and Redis run for real): a throttle's wait cannot run out while a test
// is slow, so every outcome below follows from the counts alone.
beforeEach(() => {
  jest.useFakeTimers({
    now: Date.now(),
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
});
afterEach(() => {
  jest.useRealTimers();
});

function browser(headers: Record<string, string> = {}): UserAgent {
  const ua = new UserAgent(fixture.op.issuer);
  const own = { 'x-forwarded-for': `198.51.100.${++address % 250}`, ...headers };
  const request = ua.request.bind(ua);
  ua.request = (url, init = {}) => request(url, { ...init, headers: { ...own, ...(init.headers as Record<string, string>) } });
  return ua;
}

/** A fresh account for one test, so that no other test's failures count against it. */
async function newAccount(): Promise<{ username: string; password: string }> {
  const username = `owner-${++user}`;
  const password = `${username} long password`;
  const now = new Date().toISOString();
  const sub = `5eed${String(user).padStart(28, '0')}`;
  const hash = await passwordHasher(fixture.op.settings.argon2).hash(password);
  await new RedisCollection<UserRecord>(fixture.op.stores.redis!, 'users').insert(sub, { sub, username, passwordHash: hash, claims: {}, createdAt: now, updatedAt: now }, username);
  return { username, password };
}

const loginPage = (ua: UserAgent) => ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ prompt: 'login' })));

/** One form post to the page's login action, not following the answer. */
function post(ua: UserAgent, page: Hop, username: string, password: string): Promise<Hop> {
  const action = page.body.match(/action="([^"]*\/login)"/)![1]!;
  return ua.post(action, { csrf: inputValue(page.body, 'csrf')!, username, password });
}

const signedIn = (hop: Hop) => hop.status === 303;

describe('parallel guesses', () => {
  test('100 concurrent wrong passwords on one interaction: 5 reach the password check, 95 get 429 with Retry-After', async () => {
    const { username } = await newAccount();
    const ua = browser();
    const page = await loginPage(ua);
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => post(ua, page, username, `wrong ${i}`)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(95);
    for (const answer of answers.filter((a) => a.status === 429)) {
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  test('a 50-guess burst with the right password last does not sign in', async () => {
    const { username, password } = await newAccount();
    const ua = browser();
    const page = await loginPage(ua);
    const guesses = [...Array.from({ length: 49 }, (_, i) => `guess ${i}`), password];
    const answers = await Promise.all(guesses.map((guess) => post(ua, page, username, guess)));
    expect(answers.filter(signedIn)).toHaveLength(0);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(5);
    expect(answers.at(-1)!.status).toBe(429);
  });

  test('parallel guesses on many interactions from many addresses: the account still takes 5', async () => {
    const { username } = await newAccount();
    const pages = await Promise.all(Array.from({ length: 20 }, async () => {
      const ua = browser();
      return { ua, page: await loginPage(ua) };
    }));
    const answers = await Promise.all(pages.map(({ ua, page }, i) => post(ua, page, username, `wrong ${i}`)));
    expect(answers.filter((a) => a.status === 400)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(15);
  });
});

describe('device cookies: the owner keeps a way in', () => {
  /** Signs `account` in from `ua`; answers the Set-Cookie line of the device cookie. */
  async function signInOnce(ua: UserAgent, account: { username: string; password: string }): Promise<string> {
    const done = await post(ua, await loginPage(ua), account.username, account.password);
    expect(done.status).toBe(303);
    return done.headers.getSetCookie().find((c) => c.startsWith('op_device='))!;
  }

  /** Wrong passwords for `username`, each from a stranger's browser (its own address): the statuses. */
  async function strangersGuess(username: string, count: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const ua = browser();
      statuses.push((await post(ua, await loginPage(ua), username, `stranger ${i}`)).status);
    }
    return statuses;
  }

  test('a sign-in sets a long-lived HttpOnly, SameSite=Lax device cookie for /interaction; Secure over HTTPS', async () => {
    const account = await newAccount();
    const cookie = await signInOnce(browser(), account);
    expect(cookie).toMatch(/^op_device=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; path=\/interaction;/);
    expect(cookie).toMatch(/; httponly/);
    expect(cookie).toMatch(/; samesite=lax/);
    expect(cookie).not.toMatch(/; secure/);
    const days = (Date.parse(cookie.match(/expires=([^;]+)/)![1]!) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(365);
    expect(await signInOnce(browser({ 'x-forwarded-proto': 'https' }), account)).toMatch(/; secure/);
  });

  test("strangers trip the account's throttle; the owner's browser that signed in before signs in at once", async () => {
    const account = await newAccount();
    const owner = browser();
    await signInOnce(owner, account);

    expect(await strangersGuess(account.username, 6)).toEqual([400, 400, 400, 400, 400, 429]);
    // Any browser without the device cookie waits, even with the right password.
    const newDevice = browser();
    expect((await post(newDevice, await loginPage(newDevice), account.username, account.password)).status).toBe(429);

    // The owner's typo is counted on the owner's device, not refused; the right password signs in.
    expect((await post(owner, await loginPage(owner), account.username, 'typo')).status).toBe(400);
    expect((await post(owner, await loginPage(owner), account.username, account.password)).status).toBe(303);
    // The strangers are still held back.
    expect(await strangersGuess(account.username, 1)).toEqual([429]);
  });

  test('a device cookie counts for the account it was made for only, and a tampered one for none', async () => {
    const [mine, other] = [await newAccount(), await newAccount()];
    const holder = browser();
    await signInOnce(holder, mine);
    await strangersGuess(other.username, 5);
    expect((await post(holder, await loginPage(holder), other.username, other.password)).status).toBe(429);

    await strangersGuess(mine.username, 5);
    const forger = browser();
    const value = holder.cookieValue('op_device')!;
    forger.setCookie('op_device', `${value.slice(0, 23)}${value[23] === 'A' ? 'B' : 'A'}${value.slice(24)}`, '/interaction');
    expect((await post(forger, await loginPage(forger), mine.username, mine.password)).status).toBe(429);
  });

  test('a stolen device cookie used for many wrong guesses is throttled on its own bucket', async () => {
    const account = await newAccount();
    const owner = browser();
    await signInOnce(owner, account);
    const thief = browser();
    thief.setCookie('op_device', owner.cookieValue('op_device')!, '/interaction');

    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await post(thief, await loginPage(thief), account.username, `guess ${i}`)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429]);
    // Parallel guesses with the cookie take no more than serial ones.
    const page = await loginPage(thief);
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => post(thief, page, account.username, `burst ${i}`)));
    expect(burst.map((a) => a.status)).toEqual(Array<number>(20).fill(429));
    // The thief's guesses were not the account's: a stranger still has the account's own free failures.
    expect(await strangersGuess(account.username, 6)).toEqual([400, 400, 400, 400, 400, 429]);
  });

  test("100 concurrent guesses with a device cookie: 5 reach the password check", async () => {
    const account = await newAccount();
    const owner = browser();
    await signInOnce(owner, account);
    const page = await loginPage(owner);
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => post(owner, page, account.username, `wrong ${i}`)));
    expect(answers.filter((a) => a.status === 400)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(95);
  });
});
