/** The stored form of Sessions and Grants: every payload reads back deep-equal, in fewer bytes than its JSON. */
import { describe, expect, test } from '@jest/globals';
import type { AdapterPayload } from 'oidc-provider';
import { decode, encode, GRANT, SESSION } from '../../src/storage/compact-records.js';

const SID = 'QslR20PGuhiUuWj3YKXjVqkliQi3P8GbXy6Gf2E66WW';
const session = {
  iat: 1796008546,
  exp: 1797218146,
  uid: 'yH0oS5qq60ce4vDCpB0Cvys520aiGiem5dc555Y0N1S',
  accountId: 'be0c4be0c4be0c4be0c4be0c4be0c400',
  loginTs: 1796008546,
  amr: ['pwd'],
  acr: 'urn:oidc-op:acr:password',
  transient: true,
  kind: 'Session',
  jti: 'wh6pDSoDcpT2WYfBWg0MJsNSJxBmLy3CzIwgu6vv6tQ',
  authorizations: { 'bench-spa': { sid: SID, grantId: 'AbCdEfGh.7PEtjdTGBb31ONUYokRIsbdj6hmVqCr6NU' } },
} as AdapterPayload;
const grant = {
  iat: 1796008546,
  exp: 1797218146,
  accountId: 'be0c4be0c4be0c4be0c4be0c4be0c400',
  clientId: 'bench-spa',
  kind: 'Grant',
  jti: 'AbCdEfGh.7PEtjdTGBb31ONUYokRIsbdj6hmVqCr6NU',
  openid: { scope: 'openid email' },
} as AdapterPayload;

const roundTrip = (shape: typeof SESSION, payload: AdapterPayload) => decode(shape, payload.jti as string, encode(shape, payload.jti as string, payload));

describe('compact Session and Grant records', () => {
  test('a session and a grant of a real sign-in read back deep-equal, with jti and kind restored', () => {
    expect(roundTrip(SESSION, session)).toEqual(session);
    expect(roundTrip(GRANT, grant)).toEqual(grant);
  });

  test('stored: the values in a fixed order, without field names, jti or kind', () => {
    const stored = encode(SESSION, session.jti as string, session);
    expect(stored).toBe(
      `[1796008546,1797218146,"${session.uid}","${session.accountId}",1796008546,["pwd"],"urn:oidc-op:acr:password",true,{"bench-spa":["${SID}","AbCdEfGh.7PEtjdTGBb31ONUYokRIsbdj6hmVqCr6NU"]}]`,
    );
    // Everything but 43 + 17 bytes of jti and kind and the names of 11 fields (~95 bytes).
    expect(stored.length).toBeLessThanOrEqual(JSON.stringify(session).length - 60 - 95);
    expect(encode(GRANT, grant.jti as string, grant)).toBe('[1796008546,1797218146,"be0c4be0c4be0c4be0c4be0c4be0c400","bench-spa",{"scope":"openid email"}]');
  });

  test('fields it does not list, null values, other authorization details, a foreign jti or kind: all kept', () => {
    const odd = {
      jti: 'other-id',
      kind: 'Session',
      uid: 'u',
      state: { secret: 's', clientId: 'c' },
      acr: null,
      authorizations: { a: { sid: 's1', persistsLogout: true }, b: { sid: 's2', extra: 1 }, ['__proto__']: { sid: 'p' } },
      ['__proto__']: 'a field, not a prototype',
    } as unknown as AdapterPayload;
    const back = decode(SESSION, 'the-id', encode(SESSION, 'the-id', odd));
    expect(back).toEqual({ ...odd });
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back.authorizations, '__proto__')?.value).toEqual({ sid: 'p' }); // a client id, not a prototype
    expect(decode(GRANT, 'g', encode(GRANT, 'g', { kind: 'Session' } as AdapterPayload))).toEqual({ jti: 'g', kind: 'Session' });
    expect(decode(SESSION, 'e', encode(SESSION, 'e', {} as AdapterPayload))).toEqual({ jti: 'e', kind: 'Session' });
  });

  test('a record written as a JSON object (before this format) is read as it is', () => {
    expect(decode(SESSION, session.jti as string, JSON.stringify(session))).toEqual(session);
    expect(decode(GRANT, grant.jti as string, JSON.stringify(grant))).toEqual(grant);
  });
});
