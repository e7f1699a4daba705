/** Metric labels come from closed sets, whatever a request carries. */
import { describe, expect, test } from '@jest/globals';
import { errorLabel, methodLabel, responseTypeLabel } from '../../src/ops/metrics.js';

describe('labels', () => {
  test('an OAuth error code is kept; anything else is server_error', () => {
    expect(errorLabel({ error: 'login_required' })).toBe('login_required');
    expect(errorLabel({ error: 'invalid_request' })).toBe('invalid_request');
    expect(errorLabel({ error: 'x'.repeat(41) })).toBe('server_error');
    expect(errorLabel({ error: 'Bad Thing <script>' })).toBe('server_error');
    expect(errorLabel(new TypeError('boom'))).toBe('server_error');
    expect(errorLabel(undefined)).toBe('server_error');
  });

  test('response types: the registered ones, or other', () => {
    expect(responseTypeLabel('id_token token')).toBe('id_token token');
    expect(responseTypeLabel('code')).toBe('code');
    expect(responseTypeLabel('token id_token')).toBe('id_token token');
    expect(responseTypeLabel('id_token  token')).toBe('other');
    expect(responseTypeLabel('token')).toBe('other');
    expect(responseTypeLabel(['id_token'])).toBe('other');
    expect(responseTypeLabel(undefined)).toBe('other');
  });

  test('methods: the usual ones, or other', () => {
    expect(methodLabel('GET')).toBe('GET');
    expect(methodLabel('PROPFIND')).toBe('other');
  });
});
