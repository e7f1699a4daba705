/** SAML attribute names (LDAP names, OIDs, ADFS and Entra URIs) → our claims and groups, and the IdP's overrides. */
import { describe, expect, test } from '@jest/globals';
import { mapAttributes, SAML_ATTRIBUTE_DEFAULTS } from '../../src/idps/saml/index.js';

describe('mapAttributes', () => {
  test('SimpleSAMLphp / Shibboleth style names', () => {
    expect(mapAttributes({ uid: 'alice', mail: 'alice@corp.example', givenName: 'Alice', sn: 'Liddell', displayName: 'Alice Liddell', groups: ['a', 'b'] }, {})).toEqual({
      claims: { preferred_username: 'alice', email: 'alice@corp.example', email_verified: false, given_name: 'Alice', family_name: 'Liddell', name: 'Alice Liddell' },
      groups: ['a', 'b'],
    });
  });

  test('OIDs (urn:oid, as Shibboleth sends them)', () => {
    const { claims, groups } = mapAttributes(
      {
        'urn:oid:0.9.2342.19200300.100.1.3': 'a@corp.example',
        'urn:oid:2.5.4.42': 'A',
        'urn:oid:2.5.4.4': 'L',
        'urn:oid:2.16.840.1.113730.3.1.241': 'A L',
        'urn:oid:1.3.6.1.4.1.5923.1.1.1.6': 'a@corp.example',
        'urn:oid:1.3.6.1.4.1.5923.1.5.1.1': ['staff'],
      },
      {},
    );
    expect(claims).toEqual({ email: 'a@corp.example', email_verified: false, given_name: 'A', family_name: 'L', name: 'A L', preferred_username: 'a@corp.example' });
    expect(groups).toEqual(['staff']);
  });

  test('ADFS and Entra ID claim URIs', () => {
    const { claims, groups } = mapAttributes(
      {
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': 'a@corp.example',
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname': 'A',
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname': 'L',
        'http://schemas.microsoft.com/identity/claims/displayname': 'A L',
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': 'a@corp.onmicrosoft.com',
        'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': ['7d4f…-guid', 'c0ffee-guid'],
      },
      {},
    );
    expect(claims).toEqual({ email: 'a@corp.example', email_verified: false, given_name: 'A', family_name: 'L', name: 'A L', preferred_username: 'a@corp.onmicrosoft.com' });
    expect(groups).toEqual(['7d4f…-guid', 'c0ffee-guid']);
    expect(mapAttributes({ 'http://schemas.xmlsoap.org/claims/Group': 'Domain Users' }, {}).groups).toEqual(['Domain Users']);
  });

  test('the first default name present wins; the claim map replaces the defaults, and adds custom claims', () => {
    expect(mapAttributes({ email: 'second@x', mail: 'first@x' }, {}).claims.email).toBe('first@x');
    const mapped = mapAttributes({ mail: 'a@x', workEmail: 'w@x', department: 'R&D', roles: ['r1'], groups: ['g'] }, { claimMap: { email: 'workEmail', department: 'department' }, groupsClaim: 'roles' });
    expect(mapped.claims).toMatchObject({ email: 'w@x', department: 'R&D' });
    expect(mapped.groups).toEqual(['r1']);
  });

  test('email_verified only when the IdP record says its email is to be trusted', () => {
    expect(mapAttributes({ mail: 'a@x' }, { trustEmail: true }).claims.email_verified).toBe(true);
    expect(mapAttributes({ mail: 'a@x' }, {}).claims.email_verified).toBe(false);
    expect(mapAttributes({}, { trustEmail: true }).claims).not.toHaveProperty('email_verified');
  });

  test('bounded: an over-long value is dropped (not cut), groups deduplicated and capped, non-text values ignored', () => {
    const mapped = mapAttributes(
      { mail: 'x'.repeat(1025), displayName: { nested: 'element' }, groups: [...Array.from({ length: 300 }, (_, i) => `g${i}`), 'g1', 'y'.repeat(257), ''] },
      {},
    );
    expect(mapped.claims).toEqual({});
    expect(mapped.groups).toHaveLength(256);
    expect(new Set(mapped.groups).size).toBe(256);
    expect(mapped.groups.every((g) => g.length <= 256 && g.length > 0)).toBe(true);
  });

  test('defaults cover the claim URIs the docs name', () => {
    expect(SAML_ATTRIBUTE_DEFAULTS.groups).toEqual(
      expect.arrayContaining(['groups', 'memberOf', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', 'http://schemas.xmlsoap.org/claims/Group', 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1']),
    );
  });
});
