/** Cookie signatures: keygrip's format (cookies signed before stay valid) and key rotation. */
import { describe, expect, test } from '@jest/globals';
import { cookieSigner } from '../../src/keys/cookie-signer.js';

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
