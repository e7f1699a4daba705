import { beforeEach, describe, expect, test } from '@jest/globals';
import { ACCOUNT_POLICY, delayAfter, IP_POLICY, LoginThrottle } from '../../src/accounts/throttle.js';
import { loadLocale } from '../../src/interactions/i18n.js';
import { waitText } from '../../src/interactions/routes.js';
import { VIEWS_DIR } from '../../src/interactions/views.js';
import { MemoryAttempts } from '../../src/storage/memory-attempts.js';

describe('policies', () => {
  test('account: 5 free failures, then 2 s doubling up to 5 minutes, forgotten after an hour', () => {
    expect(ACCOUNT_POLICY).toEqual({ free: 5, firstDelay: 2, maxDelay: 300, window: 3600 });
  });

  test('IP: 20 free failures, then 2 s doubling up to 15 minutes, forgotten after an hour', () => {
    expect(IP_POLICY).toEqual({ free: 20, firstDelay: 2, maxDelay: 900, window: 3600 });
  });
});

describe('delayAfter', () => {
  // `free` failures go through; the attempt after the `free`-th failure waits firstDelay, doubling from there.
  test.each([
    [0, 0],
    [1, 0],
    [4, 0],
    [5, 2],
    [6, 4],
    [7, 8],
    [8, 16],
    [9, 32],
    [10, 64],
    [11, 128],
    [12, 256],
    [13, 300],
    [14, 300],
    [39, 300],
    [100, 300],
    [10_000, 300],
  ])('ACCOUNT_POLICY after %i failures: %i s', (failures, seconds) => {
    expect(delayAfter(failures, ACCOUNT_POLICY)).toBe(seconds);
  });

  test.each([
    [0, 0],
    [5, 0],
    [19, 0],
    [20, 2],
    [21, 4],
    [22, 8],
    [27, 256],
    [28, 512],
    [29, 900],
    [30, 900],
    [1_000, 900],
  ])('IP_POLICY after %i failures: %i s', (failures, seconds) => {
    expect(delayAfter(failures, IP_POLICY)).toBe(seconds);
  });

  test('never above the cap, never negative, never decreasing', () => {
    let previous = 0;
    for (let failures = 0; failures <= 2_000; failures++) {
      const delay = delayAfter(failures, ACCOUNT_POLICY);
      expect(delay).toBeGreaterThanOrEqual(previous);
      expect(delay).toBeLessThanOrEqual(300);
      previous = delay;
    }
    expect(previous).toBe(300);
  });
});

describe('MemoryAttempts', () => {
  const t0 = 1_700_000_000_000;

  test('counts failures per key, keeps the time of the last, and clears', async () => {
    const store = new MemoryAttempts();
    expect(await store.read('k', t0)).toBeUndefined();
    await store.fail('k', t0, 60_000);
    await store.fail('k', t0 + 5, 60_000);
    expect(await store.read('k', t0 + 10)).toEqual({ failures: 2, last: t0 + 5 });
    expect(await store.read('other', t0 + 10)).toBeUndefined();
    await store.clear('k');
    expect(await store.read('k', t0 + 10)).toBeUndefined();
  });

  test('a record whose window has passed is gone, and counting starts again', async () => {
    const store = new MemoryAttempts();
    await store.fail('k', t0, 1_000);
    expect(await store.read('k', t0 + 999)).toEqual({ failures: 1, last: t0 });
    expect(await store.read('k', t0 + 1_000)).toBeUndefined();
    await store.fail('k', t0 + 2_000, 60_000);
    expect((await store.read('k', t0 + 2_000))?.failures).toBe(1);
  });
});

describe('LoginThrottle', () => {
  let now: number;
  let throttle: LoginThrottle;
  beforeEach(() => {
    now = Date.now();
    throttle = new LoginThrottle(new MemoryAttempts(), () => now);
  });

  /** `count` failures for one username, each from its own address so that only the account policy counts. */
  async function failAccount(username: string, count: number, ipPrefix = 'acct') {
    for (let i = 0; i < count; i++) await throttle.failed(username, `${ipPrefix}-${i}`);
  }

  /** Attempts as the login route makes them: ask first, count a failure only when not held back. */
  async function attempts(count: number, username: (i: number) => string, ip: (i: number) => string): Promise<number[]> {
    const waits: number[] = [];
    for (let i = 1; i <= count; i++) {
      const wait = await throttle.retryAfter(username(i), ip(i));
      waits.push(wait);
      if (wait === 0) await throttle.failed(username(i), ip(i));
    }
    return waits;
  }

  test('a fresh username from a fresh address may go ahead', async () => {
    expect(await throttle.retryAfter('alice', '192.0.2.1')).toBe(0);
  });

  test('the first 5 failures of an account go through; the attempt after them waits', async () => {
    const waits = await attempts(7, () => 'alice', (i) => `198.51.100.${i}`);
    expect(waits).toEqual([0, 0, 0, 0, 0, 2, 2]);
    now += 2_000;
    expect(await throttle.retryAfter('alice', '192.0.2.1')).toBe(0);
    await throttle.failed('alice', '198.51.100.6');
    expect(await throttle.retryAfter('alice', '192.0.2.1')).toBe(4);
  });

  test('the wait shrinks as the clock moves and reaches 0', async () => {
    await failAccount('alice', 8);
    expect(await throttle.retryAfter('alice', 'x')).toBe(16);
    now += 3_000;
    expect(await throttle.retryAfter('alice', 'x')).toBe(13);
    now += 12_999;
    expect(await throttle.retryAfter('alice', 'x')).toBe(1);
    now += 1;
    expect(await throttle.retryAfter('alice', 'x')).toBe(0);
    now += 60_000;
    expect(await throttle.retryAfter('alice', 'x')).toBe(0);
  });

  test('the wait counts from the last failure', async () => {
    await failAccount('alice', 5);
    now += 1_500;
    await throttle.failed('alice', 'acct-late');
    expect(await throttle.retryAfter('alice', 'x')).toBe(4);
    now += 3_999;
    expect(await throttle.retryAfter('alice', 'x')).toBe(1);
    now += 1;
    expect(await throttle.retryAfter('alice', 'x')).toBe(0);
  });

  test('never a permanent lock: after 100 failures the wait is 300 s and then ends', async () => {
    await failAccount('alice', 100);
    const wait = await throttle.retryAfter('alice', 'x');
    expect(wait).toBe(300);
    expect(wait).toBeLessThanOrEqual(300);
    now += 299_000;
    expect(await throttle.retryAfter('alice', 'x')).toBe(1);
    now += 1_000;
    expect(await throttle.retryAfter('alice', 'x')).toBe(0);
  });

  test('100 failures from one address too: the IP cap (900 s) bounds the wait, and it ends', async () => {
    for (let i = 0; i < 100; i++) await throttle.failed('alice', '203.0.113.9');
    expect(await throttle.retryAfter('alice', '203.0.113.9')).toBe(900);
    expect(await throttle.retryAfter('alice', '203.0.113.10')).toBe(300);
    expect(await throttle.retryAfter('bob', '203.0.113.9')).toBe(900);
    now += 900_000;
    expect(await throttle.retryAfter('alice', '203.0.113.9')).toBe(0);
  });

  test('after 39 failures on one account the wait is already > 0 (every count from 5 to 39 waits)', async () => {
    for (let failures = 1; failures <= 39; failures++) {
      await throttle.failed('alice', `acct-${failures}`);
      const wait = await throttle.retryAfter('alice', 'x');
      expect({ failures, waits: wait > 0 }).toEqual({ failures, waits: failures >= 5 });
    }
    expect(await throttle.retryAfter('alice', 'x')).toBe(300);
  });

  test('a success clears the account count but not the IP count', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 19; i++) await throttle.failed(`user-${i}`, ip);
    await throttle.failed('alice', ip);
    await failAccount('alice', 4);
    // alice: 5 failures (2 s); the address: 20 failures (2 s).
    expect(await throttle.retryAfter('alice', 'elsewhere')).toBe(2);
    expect(await throttle.retryAfter('nobody', ip)).toBe(2);

    await throttle.succeeded('alice');
    expect(await throttle.retryAfter('alice', 'elsewhere')).toBe(0);
    expect(await throttle.retryAfter('alice', ip)).toBe(2);
    expect(await throttle.retryAfter('nobody', ip)).toBe(2);
  });

  test('after a success the account starts again with 5 free failures', async () => {
    await failAccount('alice', 10);
    await throttle.succeeded('alice');
    await failAccount('alice', 4, 'again');
    expect(await throttle.retryAfter('alice', 'x')).toBe(0);
    await throttle.failed('alice', 'again-5');
    expect(await throttle.retryAfter('alice', 'x')).toBe(2);
  });

  test('the account key ignores case (and Unicode width): Alice, alice, ALICE are one account', async () => {
    await failAccount('Alice', 2);
    await failAccount('alice', 2, 'b');
    await throttle.failed('ＡＬＩＣＥ', 'c-0');
    for (const name of ['alice', 'Alice', 'ALICE', 'ａｌｉｃｅ']) {
      expect(await throttle.retryAfter(name, 'x')).toBe(2);
    }
    expect(await throttle.retryAfter('alice2', 'x')).toBe(0);
    await throttle.succeeded('ALICE');
    expect(await throttle.retryAfter('alice', 'x')).toBe(0);
  });

  test('an unknown username is throttled exactly like a known one', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 12; i++) {
      await throttle.failed('alice', `k-${i}`);
      await throttle.failed('no-such-user-8f3a', `u-${i}`);
      known.push(await throttle.retryAfter('alice', 'x'));
      unknown.push(await throttle.retryAfter('no-such-user-8f3a', 'x'));
    }
    expect(known).toEqual([0, 0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256]);
    expect(unknown).toEqual(known);
  });

  test('one address may fail 20 times across different usernames before it waits', async () => {
    const ip = '198.51.100.20';
    const waits = await attempts(22, (i) => `user-${i}`, () => ip);
    expect(waits).toEqual([...Array<number>(20).fill(0), 2, 2]);
    await throttle.failed('user-21', ip);
    expect(await throttle.retryAfter('fresh', ip)).toBe(4);
    // Another address, and the usernames tried (one failure each), are not held back.
    expect(await throttle.retryAfter('fresh', '198.51.100.21')).toBe(0);
    expect(await throttle.retryAfter('user-1', '198.51.100.21')).toBe(0);
  });

  test('the longer of the account and address waits applies', async () => {
    await failAccount('alice', 8); // account: 16 s
    for (let i = 0; i < 21; i++) await throttle.failed(`u-${i}`, 'busy'); // address: 4 s
    expect(await throttle.retryAfter('alice', 'busy')).toBe(16);
    expect(await throttle.retryAfter('bob', 'busy')).toBe(4);
    expect(await throttle.retryAfter('alice', 'quiet')).toBe(16);
  });
});

describe('waitText', () => {
  const en = loadLocale(VIEWS_DIR, 'en');
  const zh = loadLocale(VIEWS_DIR, 'zh-CN');

  test.each([
    [1, '1 second'],
    [2, '2 seconds'],
    [42, '42 seconds'],
    [119, '119 seconds'],
    [120, '2 minutes'],
    [121, '3 minutes'],
    [300, '5 minutes'],
    [900, '15 minutes'],
  ])('en: %i s → %s', (seconds, text) => {
    expect(waitText(en, seconds)).toBe(text);
  });

  test.each([
    [1, '1 秒'],
    [42, '42 秒'],
    [119, '119 秒'],
    [120, '2 分钟'],
    [300, '5 分钟'],
  ])('zh-CN: %i s → %s', (seconds, text) => {
    expect(waitText(zh, seconds)).toBe(text);
  });

  test('inside the throttled message', () => {
    expect(en.t('login.throttled', { wait: waitText(en, 300) })).toBe('Too many failed sign-in attempts. Try again in 5 minutes.');
    expect(zh.t('login.throttled', { wait: waitText(zh, 42) })).toBe('登录失败次数过多，请在 42 秒后重试。');
  });
});
