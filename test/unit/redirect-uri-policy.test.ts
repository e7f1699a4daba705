import { describe, expect, test } from '@jest/globals';
import { redirectUriProblem } from '../../src/clients/redirect-uri-policy.js';

const dev = { production: false };
const prod = { production: true };

describe('redirectUriProblem', () => {
  test.each([
    'https://rp.example.test/cb',
    'https://rp.example.test:8443/cb?tenant=1',
    'https://localhost/cb',
  ])('%s is accepted in development and production', (uri) => {
    expect(redirectUriProblem(uri, dev)).toBeUndefined();
    expect(redirectUriProblem(uri, prod)).toBeUndefined();
  });

  test.each([
    'http://localhost/cb',
    'http://localhost:4000/cb',
    'http://127.0.0.1:4000/cb',
    'http://[::1]:4000/cb',
    'HTTP://LOCALHOST:4000/cb',
  ])('loopback %s: accepted in development, refused in production', (uri) => {
    expect(redirectUriProblem(uri, dev)).toBeUndefined();
    expect(redirectUriProblem(uri, prod)).toBe('must use https in production');
  });

  test.each(['http://example.com/cb', 'http://127.0.0.2/cb', 'http://localhost.example.com/cb', 'http://10.0.0.1/cb'])(
    'plain http to %s is refused everywhere',
    (uri) => {
      const reason = 'must use https (plain http only for localhost and 127.0.0.1 in development)';
      expect(redirectUriProblem(uri, dev)).toBe(reason);
      expect(redirectUriProblem(uri, prod)).toBe(reason);
    },
  );

  test.each([
    ['a fragment', 'https://rp.example.test/cb#frag', 'must not contain a fragment'],
    ['an empty fragment', 'https://rp.example.test/cb#', 'must not contain a fragment'],
    ['a wildcard path', 'https://rp.example.test/*', 'must not contain wildcards'],
    ['a wildcard host', 'https://*.example.test/cb', 'must not contain wildcards'],
    ['a relative URL', '/cb', 'must be an absolute URL'],
    ['a host without scheme', 'rp.example.test/cb', 'must be an absolute URL'],
    ['an empty string', '', 'must be an absolute URL'],
    ['a custom scheme', 'com.example.app:/cb', 'must use https'],
    ['a custom scheme with authority', 'myapp://callback', 'must use https'],
    ['javascript:', 'javascript:alert(1)', 'must use https'],
    ['ftp', 'ftp://rp.example.test/cb', 'must use https'],
  ])('%s is refused: %s', (_name, uri, reason) => {
    expect(redirectUriProblem(uri, dev)).toBe(reason);
    expect(redirectUriProblem(uri, prod)).toBe(reason);
  });
});
