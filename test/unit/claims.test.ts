import { describe, expect, test } from '@jest/globals';
import {
  accountClaims,
  claimsConfiguration,
  SCOPE_CLAIMS,
  STANDARD_CLAIMS,
  STANDARD_SCOPES,
} from '../../src/provider/claims.js';

describe('accountClaims', () => {
  test('sub is the given one, even when the stored claims carry another', () => {
    expect(accountClaims('user-1', { sub: 'attacker', name: 'Alice' })).toEqual({ sub: 'user-1', name: 'Alice' });
  });

  test('standard claims are kept with their values', () => {
    const stored = {
      name: 'Alice Liddell',
      given_name: 'Alice',
      email: 'alice@example.com',
      email_verified: true,
      phone_number: '+44 20 7946 0000',
      phone_number_verified: false,
      address: { locality: 'Oxford', country: 'GB' },
      updated_at: 1700000000,
    };
    expect(accountClaims('u', stored)).toEqual({ ...stored, sub: 'u' });
  });

  test('non-standard claims are dropped', () => {
    const claims = accountClaims('u', {
      email: 'a@example.com',
      password: 'secret',
      password_hash: '$argon2id$...',
      role: 'admin',
      groups: ['staff'],
      Email: 'case@example.com',
    });
    expect(claims).toEqual({ sub: 'u', email: 'a@example.com' });
  });

  test('no stored claims: sub only', () => {
    expect(accountClaims('only-sub', {})).toEqual({ sub: 'only-sub' });
  });

  test('the stored object is not modified', () => {
    const stored = { sub: 'x', role: 'admin', email: 'a@example.com' };
    accountClaims('u', stored);
    expect(stored).toEqual({ sub: 'x', role: 'admin', email: 'a@example.com' });
  });
});

describe('claimsConfiguration', () => {
  test('maps each standard scope to its claims (OIDC Core 5.4)', () => {
    expect(claimsConfiguration()).toEqual({
      openid: ['sub'],
      profile: [
        'name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile',
        'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at',
      ],
      email: ['email', 'email_verified'],
      address: ['address'],
      phone: ['phone_number', 'phone_number_verified'],
    });
  });

  test('returns fresh arrays: changing them leaves the scope table alone', () => {
    const config = claimsConfiguration();
    config.email?.push('extra');
    expect(SCOPE_CLAIMS.email).toEqual(['email', 'email_verified']);
    expect(claimsConfiguration().email).toEqual(['email', 'email_verified']);
  });

  test('scopes and standard claims', () => {
    expect(STANDARD_SCOPES).toEqual(['openid', 'profile', 'email', 'address', 'phone']);
    expect(STANDARD_CLAIMS.size).toBe(20);
    expect(STANDARD_CLAIMS.has('email_verified')).toBe(true);
    expect(STANDARD_CLAIMS.has('password')).toBe(false);
  });
});
