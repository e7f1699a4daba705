/** Sessions and Grants stored as arrays: what goes in comes out, and the record is smaller than the JSON object. */
import { describe, expect, test } from '@jest/globals';
import type { AdapterPayload } from 'oidc-provider';
import { decodeRecord, encodeRecord } from '../../src/storage/compact-records.js';

const session: AdapterPayload = {
  iat: 1_764_480_000,
  exp: 1_765_689_600,
  jti: 'session-id',
  kind: 'Session',
  uid: 'session-uid',
  accountId: 'c0ffee',
  loginTs: 1_764_480_000,
  amr: ['pwd'],
  acr: 'urn:oidc-op:acr:password',
  authorizations: { 'demo-spa': { sid: 'sid-1', grantId: 'grant-1', persistsLogout: false } },
  transient: true,
};
const grant: AdapterPayload = {
  iat: 1_764_480_000,
  exp: 1_765_689_600,
  jti: 'grant-1',
  kind: 'Grant',
  accountId: 'c0ffee',
  clientId: 'demo-spa',
  openid: { scope: 'openid email', claims: ['email'] },
};

describe('compact records', () => {
  test.each([
    ['Session', 'session-id', session],
    ['Grant', 'grant-1', grant],
  ])('a %s round-trips to the same payload, a third smaller than its JSON', (model, id, payload) => {
    const stored = encodeRecord(model, id, payload);
    expect(stored.startsWith('[')).toBe(true);
    expect(stored).not.toContain(id); // the key holds it
    expect(stored.length).toBeLessThan(JSON.stringify(payload).length * 0.75);
    expect(decodeRecord(model, id, stored)).toEqual(payload);
  });

  test('fields oidc-provider may add later, and a jti or kind that differ from the key, are kept', () => {
    const odd = { ...session, jti: 'another', future: { a: 1 } };
    const stored = encodeRecord('Session', 'session-id', odd);
    expect(decodeRecord('Session', 'session-id', stored)).toEqual(odd);
  });

  test('unset fields take no room and come back unset', () => {
    const bare = { jti: 'g', kind: 'Grant', accountId: 'a', clientId: 'c' };
    const stored = encodeRecord('Grant', 'g', { ...bare, openid: undefined });
    expect(stored).toBe('[null,null,"a","c"]');
    expect(decodeRecord('Grant', 'g', stored)).toEqual(bare);
  });

  test('other models, and records stored as JSON objects before this form, are JSON objects', () => {
    const token = { jti: 't', kind: 'AccessToken', grantId: 'g' };
    expect(encodeRecord('AccessToken', 't', token)).toBe(JSON.stringify(token));
    expect(decodeRecord('AccessToken', 't', JSON.stringify(token))).toEqual(token);
    expect(decodeRecord('Session', 'session-id', JSON.stringify(session))).toEqual(session);
  });
});
