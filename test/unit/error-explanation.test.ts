/** The development error page's explanation: which client_id or redirect_uri, bounded and printable. */
import { describe, expect, test } from '@jest/globals';
import { explainError, LISTED_MAX, SHOWN_MAX } from '../../src/pages/error-explanation.js';
import { demoTryUrl, withDemoCallback } from '../../src/config/demo-callback.js';

describe('explainError', () => {
  test('an unknown client names its client_id; a missing one says so', () => {
    expect(explainError('invalid_client', { client_id: 'nope' }, undefined)).toEqual({ key: 'error.dev.unknown_client', value: 'nope' });
    expect(explainError('invalid_client', {}, undefined)).toEqual({ key: 'error.dev.missing', value: 'client_id' });
  });

  test('a redirect_uri that does not match lists the registered ones', () => {
    expect(explainError('invalid_redirect_uri', { redirect_uri: 'https://a.test/x' }, ['https://a.test/cb'])).toEqual({ key: 'error.dev.redirect_uri', value: 'https://a.test/x', registered: ['https://a.test/cb'] });
  });

  test('values are bounded and control characters shown, lists capped with a count of the rest', () => {
    const long = `https://a.test/${'x'.repeat(1000)}`;
    const registered = Array.from({ length: LISTED_MAX + 5 }, (_, i) => `https://a.test/${i}`);
    const out = explainError('invalid_redirect_uri', { redirect_uri: long }, registered)!;
    expect(out.value).toHaveLength(SHOWN_MAX + 1);
    expect(out.registered).toHaveLength(LISTED_MAX);
    expect(out.more).toBe(5);
    expect(explainError('invalid_client', { client_id: 'a\u001b[2Jb\n' }, undefined)!.value).toBe('a\\x1b[2Jb\\n');
  });

  test('other errors get no explanation', () => {
    expect(explainError('invalid_request', { client_id: 'x' }, ['https://a.test/cb'])).toBeUndefined();
    expect(explainError('invalid_redirect_uri', { redirect_uri: 'x' }, undefined)).toBeUndefined();
  });
});

describe('the demo callback', () => {
  const client = { client_id: 'demo-spa', redirect_uris: ['http://localhost:4000/'], response_types: ['id_token token' as const], token_endpoint_auth_method: 'none' as const };

  test('registered first beside a loopback or https issuer, once', () => {
    const withIt = withDemoCallback(client, 'http://localhost:3000');
    expect(withIt.redirect_uris).toEqual(['http://localhost:3000/demo/callback', 'http://localhost:4000/']);
    expect(withDemoCallback(withIt, 'http://localhost:3000')).toBe(withIt);
    expect(withDemoCallback(client, 'https://id.test/oidc').redirect_uris[0]).toBe('https://id.test/oidc/demo/callback');
  });

  test('not registered beside a plain-http, non-loopback issuer: the try URL keeps the client\'s own redirect URI', () => {
    expect(withDemoCallback(client, 'http://10.0.0.5:3000')).toBe(client);
    expect(new URL(demoTryUrl('http://10.0.0.5:3000', client)).searchParams.get('redirect_uri')).toBe('http://localhost:4000/');
  });

  test('the try URL: the client\'s first response type, a nonce and a state, to the callback', () => {
    const url = new URL(demoTryUrl('http://localhost:3000', client));
    expect(url.pathname).toBe('/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'demo-spa', response_type: 'id_token token', scope: 'openid profile email', redirect_uri: 'http://localhost:3000/demo/callback', nonce: 'n-0S6_WzA2Mj', state: 'af0ifjsldkj' });
  });
});
