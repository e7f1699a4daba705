/**
 * The login throttle through the real login route on a real redis-server: parallel guesses cost what serial ones
 * cost.
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
