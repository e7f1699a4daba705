/** The size bounds on outside input: pure policy. */
import { describe, expect, test } from '@jest/globals';
import { AUTHORIZATION_PARAM_MAX, OTHER_PARAM_MAX, oversizedCredential, oversizedParam, PASSWORD_MAX, USERNAME_MAX } from '../../src/input-bounds.js';

describe('oversizedParam', () => {
  test('values at their bound pass; one character more names the parameter and its bound', () => {
    expect(oversizedParam([['state', 's'.repeat(AUTHORIZATION_PARAM_MAX.state!)]])).toBeUndefined();
    expect(oversizedParam([['client_id', 'c'], ['state', 's'.repeat(AUTHORIZATION_PARAM_MAX.state! + 1)]])).toEqual({ name: 'state', max: AUTHORIZATION_PARAM_MAX.state });
  });

  test('a parameter with no bound of its own gets the general one; a long name is refused by its name', () => {
    expect(oversizedParam([['anything', 'a'.repeat(OTHER_PARAM_MAX + 1)]])).toEqual({ name: 'anything', max: OTHER_PARAM_MAX });
    expect(oversizedParam([['n'.repeat(65), '1']])).toEqual({ name: `${'n'.repeat(64)}…`, max: 64 });
  });

  test('every bound is above what a real request sends', () => {
    expect(AUTHORIZATION_PARAM_MAX.nonce).toBeGreaterThanOrEqual(256);
    expect(AUTHORIZATION_PARAM_MAX.state).toBeGreaterThanOrEqual(512);
    expect(AUTHORIZATION_PARAM_MAX.redirect_uri).toBeGreaterThanOrEqual(2000);
  });
});

describe('oversizedCredential', () => {
  test('username and password at their bound pass, past it they are named', () => {
    expect(oversizedCredential('u'.repeat(USERNAME_MAX), 'p'.repeat(PASSWORD_MAX))).toBeUndefined();
    expect(oversizedCredential('u'.repeat(USERNAME_MAX + 1), 'p')).toEqual({ name: 'username', max: USERNAME_MAX });
    expect(oversizedCredential('u', 'p'.repeat(PASSWORD_MAX + 1))).toEqual({ name: 'password', max: PASSWORD_MAX });
  });
});
