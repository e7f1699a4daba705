/** Discovery and the JWKS come prebuilt from the front of the stack, with the headers oidc-provider gives them. */
import { describe, expect, test } from '@jest/globals';
import { useProvider } from '../support/provider.js';

const fixture = useProvider();

describe('prebuilt discovery and JWKS', () => {
  test('discovery: the same document every time, JSON, open CORS echoing the origin, our security headers', async () => {
    const url = `${fixture.op.issuer}/.well-known/openid-configuration`;
    const first = await fetch(url);
    const second = await fetch(url, { headers: { origin: 'https://rp.example.test' } });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const doc = (await first.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({ issuer: fixture.op.issuer, jwks_uri: `${fixture.op.issuer}/jwks` });
    expect(await second.json()).toEqual(doc);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(first.headers.get('access-control-allow-origin')).toBe('*');
    expect(second.headers.get('access-control-allow-origin')).toBe('https://rp.example.test');
    expect(second.headers.get('vary')).toMatch(/Origin/);
    expect(second.headers.get('x-frame-options')).toBe('DENY');
  });

  test('JWKS: public keys only, as a JWK set', async () => {
    const res = await fetch(`${fixture.op.issuer}/jwks`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/jwk-set\+json/);
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toHaveProperty('d');
    expect((await (await fetch(`${fixture.op.issuer}/jwks`)).json()) as unknown).toEqual({ keys });
  });

  test('once built, answered in front of Koa with the same headers, a request id and the JSON policy', async () => {
    const url = `${fixture.op.issuer}/.well-known/openid-configuration`;
    const built = await fetch(url);
    const answers = await Promise.all([fetch(url), fetch(url, { headers: { 'x-request-id': 'rp-42' } })]);
    const body = await built.text();
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(body);
      expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
      expect(res.headers.get('content-type')).toBe(built.headers.get('content-type'));
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      // Plain HTTP here: HSTS would pin a development host to HTTPS.
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
    expect(built.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(answers[0]!.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(answers[1]!.headers.get('x-request-id')).toBe('rp-42');
  });

  test('a query string, POST and HEAD are not the prebuilt answer: Koa and oidc-provider take them', async () => {
    const url = `${fixture.op.issuer}/.well-known/openid-configuration`;
    await fetch(url);
    const withQuery = await fetch(`${url}?x=1`);
    expect(withQuery.status).toBe(200);
    expect(((await withQuery.json()) as { issuer: string }).issuer).toBe(fixture.op.issuer);
    const post = await fetch(url, { method: 'POST' });
    expect(post.status).toBeGreaterThanOrEqual(400);
    expect(post.headers.get('content-type')).not.toMatch(/jwk-set/);
  });

  test('HEAD and other paths still reach oidc-provider', async () => {
    const head = await fetch(`${fixture.op.issuer}/.well-known/openid-configuration`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const oauth = await fetch(`${fixture.op.issuer}/.well-known/oauth-authorization-server`);
    expect(oauth.status).toBe(200);
  });
});
