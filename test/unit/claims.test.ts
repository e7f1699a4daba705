import { describe, expect, test } from '@jest/globals';
import { accountClaims } from '../../src/accounts/account-claims.js';
import { SCOPE_CLAIMS, STANDARD_CLAIMS, STANDARD_SCOPES } from '../../src/oidc/claims.js';
import { claimsConfiguration, claimsRequestWithin, clientClaims, grantSummary, releasedWithin } from '../../src/provider/claims.js';

describe('accountClaims', () => {
  test('sub is the given one, even when the stored claims carry another', () => {
    expect(accountClaims('user-1', { sub: 'attacker', name: 'Alice' })).toEqual({ sub: 'user-1', name: 'Alice', groups: [] });
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
    expect(accountClaims('u', stored)).toEqual({ ...stored, sub: 'u', groups: [] });
  });

  test('protocol claims, group claims and malformed names stored as attributes are dropped; custom claims stay (the scopes decide their release)', () => {
    const claims = accountClaims('u', {
      email: 'a@example.com',
      iss: 'https://forged.example',
      acr: 'forged',
      groups: ['forged'],
      groups_overage: false,
      'bad name': 1,
      department: 'Sales',
    });
    expect(claims).toEqual({ sub: 'u', email: 'a@example.com', department: 'Sales', groups: [] });
  });

  test("groups come from the memberships given, not from the stored attributes", () => {
    expect(accountClaims('u', { groups: ['forged'] }, ['Staff', 'app-admins'])).toEqual({ sub: 'u', groups: ['Staff', 'app-admins'] });
  });

  test('no stored claims: sub and no groups', () => {
    expect(accountClaims('only-sub', {})).toEqual({ sub: 'only-sub', groups: [] });
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

describe("the client's allowed claims", () => {
  const byScope = claimsConfiguration([{ id: 'contact', claims: ['email', 'phone_number'] }]);

  test('the claims of its registered scopes, or of every scope when it registered none', () => {
    expect([...clientClaims(byScope, 'openid')]).toEqual(['sub']);
    expect([...clientClaims(byScope, 'openid contact')]).toEqual(['sub', 'email', 'phone_number']);
    expect([...clientClaims(byScope, 'openid unknown')]).toEqual(['sub']);
    expect(clientClaims(byScope, undefined)).toEqual(new Set(Object.values(byScope).flat()));
  });

  test('a claims request keeps the allowed and the protocol claims, and any other member; undefined when nothing is cut', () => {
    const allowed = new Set(['sub', 'email']);
    expect(claimsRequestWithin({ id_token: { email: null, phone_number: null, acr: { essential: true } }, userinfo: { address: null } }, allowed)).toEqual({
      id_token: { email: null, acr: { essential: true } },
      userinfo: {},
    });
    expect(claimsRequestWithin({ userinfo: { email: { essential: true }, sub: null } }, allowed)).toBeUndefined();
  });

  test('released claims keep sub and the allowed ones', () => {
    expect(releasedWithin({ sub: 'a', email: 'e', phone_number: 'p' }, new Set(['email']))).toEqual({ sub: 'a', email: 'e' });
  });

  test("a grant's summary names its claims only when it holds some", () => {
    expect(grantSummary('openid email', [])).toBe('openid email');
    expect(grantSummary('openid', ['email', 'phone_number'])).toBe('openid; claims: email phone_number');
  });
});
