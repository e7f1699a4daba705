/**
 * The console behind a TLS-terminating proxy whose public name the server cannot reach from inside (no hairpin):
 * the browser's requests come through the "proxy" (rewritten here to the local port with X-Forwarded-*), while the
 * server's own code exchange must go to the local address, never to the issuer's.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { useProvider } from '../support/provider.js';
import { submitLogin } from '../support/flows.js';
import { UserAgent } from '../support/user-agent.js';

const ISSUER = 'https://id.example.test';
const fixture = useProvider({ PROXY: 'true', ISSUER });
const realFetch = globalThis.fetch;
/** Paths requested on the public origin: the browser's, and a hairpin if the server made one. */
const publicHits: string[] = [];

beforeAll(async () => {
  await fixture.op.stores.users.create({ username: 'carol', password: 'carol admin password', role: 'admin' });
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== ISSUER) return realFetch(input, init);
    publicHits.push(url.pathname);
    const headers = new Headers(init?.headers);
    headers.set('x-forwarded-proto', 'https');
    headers.set('x-forwarded-host', url.host);
    return realFetch(`http://127.0.0.1:${fixture.op.port}${url.pathname}${url.search}`, { ...init, headers });
  };
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

test('sign-in completes with the code exchanged on the local address; cookies are Secure', async () => {
  const ua = new UserAgent(ISSUER);
  const start = await ua.get('/admin/clients');
  expect(start.location).toMatch(/^https:\/\/id\.example\.test\/auth\?/);
  expect(start.headers.getSetCookie().find((c) => c.startsWith('op_console_tx='))).toMatch(/;\s*secure/i);
  const loginPage = await ua.follow(start.location!);
  const page = await submitLogin(ua, loginPage, 'carol', 'carol admin password');
  expect(page.status).toBe(200);
  expect(page.url).toBe(`${ISSUER}/admin/clients`);
  expect(page.body).toContain('Signed in as carol');
  expect(publicHits).toContain('/admin/callback');
  expect(publicHits).not.toContain('/token');
  expect(page.headers.get('strict-transport-security')).toContain('max-age=');
});
