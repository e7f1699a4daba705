/** PROXY: behind a TLS-terminating proxy, X-Forwarded-Proto and X-Forwarded-Host are trusted; without it, ignored. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestProvider, type TestProvider } from '../support/provider.js';
import { authorizeUrl, implicitParams } from '../support/flows.js';

const FORWARDED = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'id.example.test' };
let behind: TestProvider;
let direct: TestProvider;

beforeAll(async () => {
  behind = await startTestProvider(undefined, { PROXY: 'true', ISSUER: 'https://id.example.test' });
  direct = await startTestProvider(undefined, { PROXY: 'false', ISSUER: 'https://id.example.test' });
});

afterAll(async () => {
  await behind?.close(500);
  await direct?.close(500);
});

const local = (op: TestProvider, path: string) => `http://127.0.0.1:${op.port}${path}`;

describe('PROXY=true', () => {
  test('endpoints are published on the forwarded https host, and cookies are Secure', async () => {
    const discovery = (await (await fetch(local(behind, '/.well-known/openid-configuration'), { headers: FORWARDED })).json()) as Record<string, string>;
    expect(discovery.authorization_endpoint).toBe('https://id.example.test/auth');
    expect(discovery.jwks_uri).toBe('https://id.example.test/jwks');
    const url = new URL(authorizeUrl('https://x', implicitParams()));
    const auth = await fetch(local(behind, url.pathname + url.search), { headers: FORWARDED, redirect: 'manual' });
    expect(auth.status).toBe(303);
    expect(auth.headers.get('strict-transport-security')).toMatch(/max-age=/);
    const cookies = auth.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie).toMatch(/; secure/i);
  });

  test('discovery names the host each request came to, also once prebuilt: one host never sees another\'s', async () => {
    const endpointVia = async (headers: Record<string, string>) =>
      ((await (await fetch(local(behind, '/.well-known/openid-configuration'), { headers })).json()) as Record<string, string>).authorization_endpoint;
    const internal = { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'oidc.internal:3000' };
    for (let i = 0; i < 2; i++) {
      expect(await endpointVia(FORWARDED)).toBe('https://id.example.test/auth');
      expect(await endpointVia(internal)).toBe('http://oidc.internal:3000/auth');
      expect(await endpointVia({})).toBe(local(behind, '/auth'));
    }
    // Answered from the prebuilt copies by now: HSTS only where the proxy said https.
    const hsts = async (headers: Record<string, string>) => (await fetch(local(behind, '/.well-known/openid-configuration'), { headers })).headers.get('strict-transport-security');
    expect(await hsts(FORWARDED)).toMatch(/max-age=/);
    expect(await hsts(internal)).toBeNull();
  });
});

describe('PROXY=false', () => {
  test("forwarded headers from a client are ignored: the issuer's endpoints, no Secure claim over plain http", async () => {
    const forged = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'forged.example.test' };
    const discovery = (await (await fetch(local(direct, '/.well-known/openid-configuration'), { headers: forged })).json()) as Record<string, string>;
    // Neither the forwarded host nor the Host the request came to: the issuer's (provider/issuer-origin.ts).
    expect(discovery.authorization_endpoint).toBe('https://id.example.test/auth');
    const url = new URL(authorizeUrl('https://x', implicitParams()));
    const auth = await fetch(local(direct, url.pathname + url.search), { headers: forged, redirect: 'manual' });
    expect(auth.headers.get('strict-transport-security')).toBeNull();
    for (const cookie of auth.headers.getSetCookie()) expect(cookie).not.toMatch(/; secure/i);
  });
});
