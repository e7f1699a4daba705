import { describe, expect, test } from '@jest/globals';
import { csrfProtection } from '../../src/pages/csrf.js';

const csrf = csrfProtection('x'.repeat(32));

describe('csrfProtection', () => {
  test('a token is 43 base64url characters, the same for the same uid', () => {
    const token = csrf.tokenFor('uid-1');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrf.tokenFor('uid-1')).toBe(token);
  });

  test('round trip: the token of a uid is valid for it', () => {
    expect(csrf.valid('uid-1', csrf.tokenFor('uid-1'))).toBe(true);
  });

  test('the token of one uid is invalid for another', () => {
    expect(csrf.tokenFor('uid-2')).not.toBe(csrf.tokenFor('uid-1'));
    expect(csrf.valid('uid-2', csrf.tokenFor('uid-1'))).toBe(false);
  });

  test('the token of another secret is invalid', () => {
    const other = csrfProtection('y'.repeat(32));
    expect(other.tokenFor('uid-1')).not.toBe(csrf.tokenFor('uid-1'));
    expect(csrf.valid('uid-1', other.tokenFor('uid-1'))).toBe(false);
  });

  test('the same secret in a second instance accepts the token (stateless)', () => {
    expect(csrfProtection('x'.repeat(32)).valid('uid-1', csrf.tokenFor('uid-1'))).toBe(true);
  });

  test.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 12345],
    ['an array', ['token']],
    ['an object', { token: 'x' }],
  ])('%s is invalid', (_name, token) => {
    expect(csrf.valid('uid-1', token)).toBe(false);
  });

  test('a token of the wrong length is invalid', () => {
    const token = csrf.tokenFor('uid-1');
    expect(csrf.valid('uid-1', '')).toBe(false);
    expect(csrf.valid('uid-1', token.slice(1))).toBe(false);
    expect(csrf.valid('uid-1', `${token}A`)).toBe(false);
  });

  test('a token with one character changed is invalid', () => {
    const token = csrf.tokenFor('uid-1');
    const changed = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    expect(csrf.valid('uid-1', changed)).toBe(false);
  });

  test('an array holding the token is invalid', () => {
    expect(csrf.valid('uid-1', [csrf.tokenFor('uid-1')])).toBe(false);
  });
});
