/** Device cookies: bound to one account by the cookie keys, bounded in size, several accounts per browser. */
import { describe, expect, test } from '@jest/globals';
import { DEVICE_COOKIE_ACCOUNTS, deviceCookies } from '../../src/accounts/device-cookies.js';

const KEYS = ['first-key-0123456789', 'older-key-9876543210'];
let counter = 0;
/** Distinct 22-character nonces, as randomBytes(16) in base64url would give. */
const nonces = () => `nonce${String(++counter).padStart(17, '0')}`;

describe('device cookies', () => {
  const devices = deviceCookies(() => KEYS, nonces);

  test('a sign-in makes an entry that names this account (any letter case) and no other', () => {
    const cookie = devices.afterSignIn(undefined, 'Alice');
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const device = devices.deviceFor(cookie, 'alice');
    expect(device).toBe(cookie.slice(0, 22));
    expect(devices.deviceFor(cookie, 'ＡＬＩＣＥ')).toBe(device);
    expect(devices.deviceFor(cookie, 'bob')).toBeUndefined();
    expect(devices.deviceFor(undefined, 'alice')).toBeUndefined();
  });

  test('a forged or tampered entry, or one made under keys this server does not hold, names no account', () => {
    const cookie = devices.afterSignIn(undefined, 'alice');
    const flipped = `${cookie.slice(0, 23)}${cookie[23] === 'A' ? 'B' : 'A'}${cookie.slice(24)}`;
    expect(devices.deviceFor(flipped, 'alice')).toBeUndefined();
    expect(devices.deviceFor(`${'x'.repeat(22)}${cookie.slice(22)}`, 'alice')).toBeUndefined();
    expect(deviceCookies(() => ['another-key-0000000000']).deviceFor(cookie, 'alice')).toBeUndefined();
  });

  test('an entry made under an older cookie key still counts, and the next sign-in re-signs it with the current key', () => {
    const old = deviceCookies(() => [KEYS[1]!], nonces).afterSignIn(undefined, 'alice');
    const device = devices.deviceFor(old, 'alice');
    expect(device).toBeDefined();
    const renewed = devices.afterSignIn(old, 'alice');
    expect(renewed).not.toBe(old);
    expect(deviceCookies(() => [KEYS[0]!]).deviceFor(renewed, 'alice')).toBe(device);
  });

  test('a sign-in again keeps the same device (its bucket), first in the cookie', () => {
    const first = devices.afterSignIn(undefined, 'alice');
    const both = devices.afterSignIn(first, 'bob');
    const again = devices.afterSignIn(both, 'alice');
    expect(again.split('~')[0]).toBe(first);
    expect(devices.deviceFor(again, 'alice')).toBe(devices.deviceFor(first, 'alice'));
    expect(devices.deviceFor(again, 'bob')).toBe(devices.deviceFor(both, 'bob'));
    expect(again.split('~')).toHaveLength(2);
  });

  test(`one browser holds entries for ${DEVICE_COOKIE_ACCOUNTS} accounts; the one signed in to longest ago gives way`, () => {
    let cookie: string | undefined;
    for (let i = 0; i <= DEVICE_COOKIE_ACCOUNTS; i++) cookie = devices.afterSignIn(cookie, `user-${i}`);
    expect(cookie!.split('~')).toHaveLength(DEVICE_COOKIE_ACCOUNTS);
    expect(devices.deviceFor(cookie, 'user-0')).toBeUndefined();
    for (let i = 1; i <= DEVICE_COOKIE_ACCOUNTS; i++) expect(devices.deviceFor(cookie, `user-${i}`)).toBeDefined();
  });

  test('a cookie from the browser is bounded before it is read: too long, too many or malformed entries are ignored', () => {
    const entry = devices.afterSignIn(undefined, 'alice');
    expect(devices.deviceFor(`${entry}~${'a'.repeat(400)}`, 'alice')).toBeUndefined();
    const junk = Array.from({ length: DEVICE_COOKIE_ACCOUNTS }, () => 'junk');
    expect(devices.deviceFor([...junk, entry].join('~'), 'alice')).toBeUndefined();
    expect(devices.deviceFor(`junk~${entry}`, 'alice')).toBeDefined();
    expect(devices.afterSignIn(`junk~${entry}`, 'bob').split('~')).toHaveLength(2);
  });
});
