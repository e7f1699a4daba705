/**
 * What development shows a newcomer, production keeps to itself: GET / is a 404 unless LANDING_PAGE=true, there is
 * no demo callback page, and error pages name neither the unknown client nor the registered redirect URIs.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { useConfigDirs } from '../support/config-dir.js';
import { startTestProvider, type TestProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

const configDir = useConfigDirs();
const PRODUCTION = { NODE_ENV: 'production', ISSUER: 'https://id.example.test', DEMO: 'false', KEYS_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
let redis: TestRedis;
let production: TestProvider;
let withLanding: TestProvider;
let development: TestProvider;
const clientIds = new Map<TestProvider, string>();

beforeAll(async () => {
  redis = await startTestRedis();
  // No config-file clients: the fixtures' have loopback http redirect URIs, which production refuses.
  const empty = configDir();
  production = await startTestProvider(redis, { ...PRODUCTION, CONFIG_DIR: empty });
  withLanding = await startTestProvider(redis, { ...PRODUCTION, CONFIG_DIR: empty, LANDING_PAGE: 'true' });
  // Its own key prefix: development keeps its generated keys in plain text, production's are sealed.
  development = await startTestProvider({ ...redis, prefix: `${redis.prefix}development:` });
  for (const op of [production, development]) {
    const client = await op.stores.clients.create({ name: 'Registered App', redirectUris: ['https://app.example.test/cb', 'https://app.example.test/other'], responseTypes: ['id_token token'] });
    clientIds.set(op, client.client_id);
  }
});

afterAll(async () => {
  await Promise.all([production, withLanding, development].map((op) => op?.close(500)));
  await redis?.close();
});

const get = (op: TestProvider, path: string) => fetch(`http://127.0.0.1:${op.port}${path}`, { redirect: 'manual', headers: { 'accept-language': 'en' } });
const authorize = (params: Record<string, string>) => `/auth?${new URLSearchParams({ response_type: 'id_token token', scope: 'openid', nonce: 'n', state: 's', ...params })}`;

describe('GET /', () => {
  test('production: 404, our not-found page', async () => {
    const response = await get(production, '/');
    expect(response.status).toBe(404);
    await expect(response.text()).resolves.toContain('Page not found');
  });

  test('production with LANDING_PAGE=true: the landing page, with no demo link and no development note', async () => {
    const response = await get(withLanding, '/');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('href="https://id.example.test/.well-known/openid-configuration"');
    expect(html).toContain('href="https://id.example.test/admin"');
    expect(html).not.toContain('/demo/callback');
    expect(html).not.toContain('LANDING_PAGE');
  });

  test('development: the landing page', async () => {
    const response = await get(development, '/');
    expect(response.status).toBe(200);
    await expect(response.text()).resolves.toContain('This page is shown in development');
  });

  test('the demo callback page exists only with demo clients: a 404 in production', async () => {
    expect((await get(production, '/demo/callback')).status).toBe(404);
  });
});

describe('error pages', () => {
  test('production: an unknown client_id is not named', async () => {
    const response = await get(production, authorize({ client_id: 'no-such-app', redirect_uri: 'https://app.example.test/cb' }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('<code>invalid_client</code>');
    expect(html).not.toContain('no-such-app');
    expect(html).not.toContain('explanation');
  });

  test('production: a redirect_uri that does not match is refused without a redirect, and the registered ones are not listed', async () => {
    const response = await get(production, authorize({ client_id: clientIds.get(production)!, redirect_uri: 'https://evil.example.test/cb' }));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const html = await response.text();
    expect(html).toContain('<code>invalid_redirect_uri</code>');
    expect(html).not.toContain('app.example.test');
    expect(html).not.toContain('evil.example.test');
  });

  test('development: the same requests name the client_id, and the redirect_uri with the registered ones', async () => {
    const unknown = await (await get(development, authorize({ client_id: 'no-such-app', redirect_uri: 'https://app.example.test/cb' }))).text();
    expect(unknown).toContain('No enabled client is registered with client_id “no-such-app”');
    const mismatch = await (await get(development, authorize({ client_id: clientIds.get(development)!, redirect_uri: 'https://evil.example.test/cb' }))).text();
    expect(mismatch).toContain('The redirect_uri “https://evil.example.test/cb” is not one this client registered');
    expect(mismatch).toContain('<li><code>https://app.example.test/cb</code></li><li><code>https://app.example.test/other</code></li>');
  });

  test('development: a disabled client is named as not enabled', async () => {
    const { client_id: disabled } = await development.stores.clients.create({ name: 'Paused App', redirectUris: ['https://paused.example.test/cb'], responseTypes: ['id_token token'] });
    await development.stores.clients.setDisabled(disabled, true);
    const html = await (await get(development, authorize({ client_id: disabled, redirect_uri: 'https://paused.example.test/cb' }))).text();
    expect(html).toContain(`No enabled client is registered with client_id “${disabled}”`);
  });

  test('an expired interaction is a page of ours with no stack trace; an invalid request goes back to the client', async () => {
    for (const op of [production, development]) {
      const expired = await get(op, '/interaction/not-a-real-one');
      expect(expired.status).toBe(400);
      const html = await expired.text();
      expect(html).toContain('This sign-in has expired');
      expect(html).not.toMatch(/at \S+ \(/);
      // An invalid request from a known client to a registered redirect_uri goes back to it as an OAuth error.
      const invalid = await get(op, `/auth?client_id=${clientIds.get(op)!}&redirect_uri=https://app.example.test/cb`);
      expect(invalid.status).toBe(302);
      expect(invalid.headers.get('location')).toMatch(/^https:\/\/app\.example\.test\/cb[?#].*error=invalid_request/);
    }
  });
});
