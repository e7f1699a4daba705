/** Cookie signatures: keygrip's format (cookies signed before stay valid) and key rotation. */
import { describe, expect, test } from '@jest/globals';
import { cookieSigner, purposeSigner } from '../../src/keys/cookie-signer.js';

// Made by keygrip 1.1 (what Koa signed oidc-provider's cookies with before) for '_session=abc123'.
const KEYGRIP_FIRST = 'ecALh8noQ6oi8KDIrEU7ZMR44qk';
const KEYGRIP_OLDER = 'NyKlH40HBrScNkSmMqW-Y9EK_DM';

describe('cookie signer', () => {
  const signer = cookieSigner(['first-key-0123456789', 'older-key-9876543210']);

  test("signs with the first key, exactly as keygrip did", () => {
    expect(signer.sign('_session=abc123')).toBe(KEYGRIP_FIRST);
  });

  test('accepts a signature of any of its keys, and says which (a cookie of an older key is re-signed by Koa)', () => {
    expect(signer.index('_session=abc123', KEYGRIP_FIRST)).toBe(0);
    expect(signer.index('_session=abc123', KEYGRIP_OLDER)).toBe(1);
    expect(signer.verify('_session=abc123', KEYGRIP_OLDER)).toBe(true);
  });

  test('refuses another value, a tampered or truncated signature, and a signature of a key it does not hold', () => {
    expect(signer.index('_session=abc124', KEYGRIP_FIRST)).toBe(-1);
    expect(signer.index('_session=abc123', `${KEYGRIP_FIRST.slice(0, -1)}A`)).toBe(-1);
    expect(signer.index('_session=abc123', KEYGRIP_FIRST.slice(0, 10))).toBe(-1);
    expect(signer.index('_session=abc123', '')).toBe(-1);
    expect(cookieSigner(['first-key-0123456789']).verify('_session=abc123', KEYGRIP_OLDER)).toBe(false);
  });

  test('needs a key', () => {
    expect(() => cookieSigner([])).toThrow('at least one key');
  });
});

describe('purpose signer', () => {
  const keys = ['first-key-0123456789', 'older-key-9876543210'];
  const device = purposeSigner(keys, 'device cookie');

  test('HMAC-SHA256 under a key of its own purpose: neither the cookie signature nor another purpose\'s', () => {
    const digest = device.sign('_session=abc123');
    expect(digest).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(digest).not.toBe(cookieSigner(keys).sign('_session=abc123'));
    expect(purposeSigner(keys, 'something else').verify('_session=abc123', digest)).toBe(false);
    expect(cookieSigner(keys).verify('_session=abc123', digest)).toBe(false);
  });

  test('signs with the first key, accepts the older ones (rotation), refuses a key it does not hold', () => {
    const older = purposeSigner([keys[1]!], 'device cookie').sign('value');
    expect(device.index('value', device.sign('value'))).toBe(0);
    expect(device.index('value', older)).toBe(1);
    expect(purposeSigner([keys[0]!], 'device cookie').verify('value', older)).toBe(false);
    expect(device.verify('other value', device.sign('value'))).toBe(false);
  });

  test('needs a key', () => {
    expect(() => purposeSigner([], 'device cookie')).toThrow('device cookie signing needs at least one cookie key');
  });
});
