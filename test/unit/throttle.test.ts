import { beforeEach, describe, expect, test } from '@jest/globals';
import { ACCOUNT_POLICY, bucketsFor, delayAfter, DEVICE_POLICY, IP_POLICY, LoginThrottle, waitMs, type Admission, type Attempt } from '../../src/accounts/throttle.js';
import { loadLocale } from '../../src/pages/i18n.js';
import { waitText } from '../../src/pages/wait-text.js';
import { VIEWS_DIR } from '../../src/pages/views.js';
import { MemoryAttempts } from '../../src/accounts/memory-attempts.js';

describe('policies', () => {
  test('account: 5 free failures, then 2 s doubling up to 5 minutes, forgotten after an hour', () => {
    expect(ACCOUNT_POLICY).toEqual({ free: 5, firstDelay: 2, maxDelay: 300, window: 3600 });
  });

  test('IP: 20 free failures, then 2 s doubling up to 15 minutes, forgotten after an hour', () => {
    expect(IP_POLICY).toEqual({ free: 20, firstDelay: 2, maxDelay: 900, window: 3600 });
  });

  test("device: the account's numbers, on one browser's own bucket", () => {
    expect(DEVICE_POLICY).toEqual({ free: 5, firstDelay: 2, maxDelay: 300, window: 3600 });
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

describe('waitMs', () => {
  const t0 = 1_700_000_000_000;

  test('no record, or fewer than `free` failures: no wait', () => {
    expect(waitMs(undefined, ACCOUNT_POLICY, t0)).toBe(0);
    expect(waitMs({ failures: 4, last: t0 }, ACCOUNT_POLICY, t0)).toBe(0);
  });

  test('counts from the last failure and ends', () => {
    expect(waitMs({ failures: 6, last: t0 }, ACCOUNT_POLICY, t0)).toBe(4_000);
    expect(waitMs({ failures: 6, last: t0 }, ACCOUNT_POLICY, t0 + 3_999)).toBe(1);
    expect(waitMs({ failures: 6, last: t0 }, ACCOUNT_POLICY, t0 + 4_000)).toBe(0);
    expect(waitMs({ failures: 10_000, last: t0 }, ACCOUNT_POLICY, t0)).toBe(300_000);
  });
});

describe('bucketsFor', () => {
  test('a stranger: the account (cleared by a success) and the address (its slot given back)', () => {
    const buckets = bucketsFor({ username: 'Alice', ip: '192.0.2.1' });
    expect(buckets.map((b) => [b.key.split(':')[0], b.policy, b.onSuccess])).toEqual([
      ['account', ACCOUNT_POLICY, 'clear'],
      ['ip', IP_POLICY, 'refund'],
    ]);
    expect(buckets[0]!.key).toBe(bucketsFor({ username: 'ALICE', ip: 'x' })[0]!.key);
    expect(buckets[0]!.key).not.toContain('lice');
  });

  test("a browser with the account's device cookie: its own bucket alone, no account, no address", () => {
    expect(bucketsFor({ username: 'alice', ip: '192.0.2.1', device: 'n0nce' })).toEqual([{ key: 'device:n0nce', policy: DEVICE_POLICY, onSuccess: 'clear' }]);
  });
});

describe('MemoryAttempts', () => {
  const t0 = 1_700_000_000_000;
  const policy = { free: 2, firstDelay: 10, maxDelay: 40, window: 60 };

  test('a reservation counts a failure at once; past `free` it answers the wait and counts nothing', async () => {
    const store = new MemoryAttempts();
    expect(await store.reserve('k', policy, t0)).toEqual({ slot: { key: 'k', at: t0, previousLast: 0, seq: 1 } });
    expect(await store.reserve('k', policy, t0 + 5)).toEqual({ slot: { key: 'k', at: t0 + 5, previousLast: t0, seq: 2 } });
    expect(await store.reserve('k', policy, t0 + 6)).toEqual({ waitMs: 9_999 });
    expect(await store.reserve('k', policy, t0 + 10_004)).toEqual({ waitMs: 1 });
    expect(await store.reserve('k', policy, t0 + 10_005)).toMatchObject({ slot: { seq: 3 } });
    expect(await store.reserve('k', policy, t0 + 10_005)).toEqual({ waitMs: 20_000 });
    expect(await store.reserve('other', policy, t0)).toMatchObject({ slot: { seq: 1 } });
  });

  test('concurrent reservations: exactly `free` slots, the rest wait (the reservation is synchronous)', async () => {
    const store = new MemoryAttempts();
    const answers = await Promise.all(Array.from({ length: 100 }, () => store.reserve('k', ACCOUNT_POLICY, t0)));
    expect(answers.filter((a) => 'slot' in a)).toHaveLength(5);
    expect(answers.filter((a) => 'waitMs' in a && a.waitMs === 2_000)).toHaveLength(95);
  });

  // Refunds, expiry and the Redis twin: test/integration/attempts.test.ts (one contract for both stores).
});

describe('LoginThrottle', () => {
  let now: number;
  let store: MemoryAttempts;
  let throttle: LoginThrottle;
  beforeEach(() => {
    now = Date.now();
    store = new MemoryAttempts();
    throttle = new LoginThrottle(store, () => now);
  });

  /** The seconds an attempt must wait, 0 when admitted (and then, unless `succeeded` follows, a failure). */
  async function attempt(username: string, ip: string, device?: string): Promise<number> {
    const admission = await throttle.admit({ username, ip, device });
    return admission.admitted ? 0 : admission.retryAfter;
  }

  /** `count` failures for one username, each from its own address so that only the account policy counts. */
  async function failAccount(username: string, count: number, ipPrefix = 'acct') {
    for (let i = 0; i < count; i++) expect(await attempt(username, `${ipPrefix}-${i}`)).toBe(0);
  }

  /** Asks without counting: admits and gives the slots back at once, as a success would the address's. */
  async function waitFor(username: string, ip: string): Promise<number> {
    const admission = await throttle.admit({ username, ip });
    if (!admission.admitted) return admission.retryAfter;
    await Promise.all(admission.slots.map(({ slot }) => store.refund(slot)));
    return 0;
  }

  async function succeed(attempted: Attempt): Promise<void> {
    const admission: Admission = await throttle.admit(attempted);
    if (!admission.admitted) throw new Error(`expected to be admitted, got a wait of ${admission.retryAfter} s`);
    await throttle.succeeded(admission);
  }

  test('a fresh username from a fresh address may go ahead', async () => {
    expect(await attempt('alice', '192.0.2.1')).toBe(0);
  });

  test('the first 5 attempts of an account go through; the ones after them wait and count nothing', async () => {
    const waits: number[] = [];
    for (let i = 1; i <= 7; i++) waits.push(await attempt('alice', `198.51.100.${i}`));
    expect(waits).toEqual([0, 0, 0, 0, 0, 2, 2]);
    now += 2_000;
    expect(await attempt('alice', '192.0.2.1')).toBe(0);
    expect(await attempt('alice', '192.0.2.1')).toBe(4);
  });

  test('100 parallel attempts on one account cost what 100 serial ones cost: 5 admitted', async () => {
    const admissions = await Promise.all(Array.from({ length: 100 }, (_, i) => throttle.admit({ username: 'alice', ip: `p-${i}` })));
    expect(admissions.filter((a) => a.admitted)).toHaveLength(5);
    expect(admissions.filter((a) => !a.admitted && a.retryAfter === 2)).toHaveLength(95);
  });

  test('the wait shrinks as the clock moves and reaches 0', async () => {
    await failAccount('alice', 5);
    expect(await waitFor('alice', 'x')).toBe(2);
    now += 1_001;
    expect(await waitFor('alice', 'x')).toBe(1);
    now += 999;
    expect(await waitFor('alice', 'x')).toBe(0);
  });

  test('never a permanent lock: however many failures, the wait is at most 300 s and then ends', async () => {
    for (let i = 0; i < 40; i++) {
      const wait = await attempt('alice', `a-${i}`);
      expect(wait).toBeLessThanOrEqual(300);
      now += wait * 1000;
      if (wait) expect(await attempt('alice', `a-${i}`)).toBe(0);
    }
    expect(await waitFor('alice', 'x')).toBe(300);
    now += 299_000;
    expect(await waitFor('alice', 'x')).toBe(1);
    now += 1_000;
    expect(await waitFor('alice', 'x')).toBe(0);
  });

  test('a wait on the address gives the slot taken on the account back, and the other way round', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 20; i++) expect(await attempt(`user-${i}`, ip)).toBe(0);
    for (let i = 0; i < 10; i++) expect(await attempt('alice', ip)).toBe(2);
    // alice's account holds no failure from those refused attempts: 5 free ones from elsewhere.
    await failAccount('alice', 5);
    expect(await attempt('alice', 'elsewhere')).toBe(2);
    // ...and the account's refusals left nothing on that address.
    for (let i = 0; i < 20; i++) expect(await attempt('alice', 'fresh')).toBe(2);
    expect(await attempt('bob', 'fresh')).toBe(0);
  });

  test("a success clears the account's count and gives the address its slot back", async () => {
    const ip = '203.0.113.8';
    for (let i = 0; i < 19; i++) await attempt(`user-${i}`, ip);
    await failAccount('alice', 4);
    await succeed({ username: 'alice', ip });
    // The address has 19 failures (the success is not one), the account none.
    await failAccount('alice', 5, 'again');
    expect(await attempt('alice', 'elsewhere')).toBe(2);
    expect(await attempt('nobody', ip)).toBe(0);
    expect(await attempt('nobody', ip)).toBe(2);
  });

  test("a success's refund leaves the address's wait counting from its last failure", async () => {
    const ip = '203.0.113.9';
    for (let i = 0; i < 20; i++) await attempt(`user-${i}`, ip);
    now += 2_000;
    await succeed({ username: 'alice', ip });
    now += 10;
    // 20 failures, the last 2.01 s ago: the address is free again, and the success did not restart its wait.
    expect(await attempt('bob', ip)).toBe(0);
  });

  test('the account key ignores case (and Unicode width): Alice, alice, ALICE are one account', async () => {
    await failAccount('Alice', 2);
    await failAccount('alice', 2, 'b');
    await failAccount('ＡＬＩＣＥ', 1, 'c');
    for (const name of ['alice', 'Alice', 'ALICE', 'ａｌｉｃｅ']) expect(await waitFor(name, 'x')).toBe(2);
    expect(await waitFor('alice2', 'x')).toBe(0);
  });

  test('an unknown username is throttled exactly like a known one', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 12; i++) {
      known.push(await attempt('alice', `k-${i}`));
      unknown.push(await attempt('no-such-user-8f3a', `u-${i}`));
    }
    expect(known).toEqual([0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2]);
    expect(unknown).toEqual(known);
  });

  test('one address may fail 20 times across different usernames before it waits', async () => {
    const ip = '198.51.100.20';
    const waits: number[] = [];
    for (let i = 1; i <= 22; i++) waits.push(await attempt(`user-${i}`, ip));
    expect(waits).toEqual([...Array<number>(20).fill(0), 2, 2]);
    expect(await attempt('fresh', '198.51.100.21')).toBe(0);
  });

  test('the longer of the account and address waits applies', async () => {
    await failAccount('alice', 5);
    now += 2_000;
    await failAccount('alice', 1, 'late'); // account: 6 failures, the last just now: 4 s
    for (let i = 0; i < 20; i++) await attempt(`u-${i}`, 'busy'); // address: 20 failures: 2 s
    expect(await attempt('alice', 'busy')).toBe(4);
    expect(await attempt('bob', 'busy')).toBe(2);
    expect(await attempt('alice', 'quiet')).toBe(4);
  });

  test("a browser holding the account's device cookie is judged on its own bucket: strangers cannot fill it", async () => {
    await failAccount('alice', 5);
    expect(await attempt('alice', 'stranger')).toBe(2);
    for (let i = 0; i < 20; i++) await attempt(`u-${i}`, 'shared'); // and its address is busy too
    expect(await attempt('alice', 'shared', 'owner-device')).toBe(0);
    await succeed({ username: 'alice', ip: 'shared', device: 'owner-device' });
    // The owner's success clears the device's count, not the strangers' count on the account.
    expect(await attempt('alice', 'stranger-2')).toBe(2);
  });

  test('a device cookie used for many wrong guesses waits on its own, and its guesses leave the account alone', async () => {
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) waits.push(await attempt('alice', 'thief', 'stolen'));
    expect(waits).toEqual([0, 0, 0, 0, 0, 2, 2]);
    expect(await attempt('alice', 'owner', 'another-device')).toBe(0);
    await failAccount('alice', 5);
    expect(await attempt('alice', 'stranger')).toBe(2);
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
