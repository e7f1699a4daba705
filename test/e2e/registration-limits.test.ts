/**
 * Dynamic registration floods: registrations are limited per client address and per initial access token (429 with
 * Retry-After), made-up tokens leave no counter behind, and registration access tokens expire (renewed by rotation).
 */
import { once } from 'node:events';
import { describe, expect, test } from '@jest/globals';
import type { Redis } from 'ioredis';
import { useProvider } from '../support/provider.js';

const LIMIT = 3;
const RAT_TTL = 3600;
const fixture = useProvider({
  PROXY: 'true',
  SETTINGS_REFRESH_MS: '100',
  REGISTRATION_RATE_LIMIT: String(LIMIT),
  REGISTRATION_RATE_WINDOW: '3600',
  TTL_REGISTRATION_ACCESS_TOKEN: String(RAT_TTL),
});

const redis = () => fixture.op.stores.redis as Redis;
/** This file's keys matching a pattern, without the prefix (as the prefixed client takes them). */
async function keys(pattern: string): Promise<string[]> {
  const full = await redis().keys(`${fixture.redis.prefix}${pattern}`);
  return full.map((key) => key.slice(fixture.redis.prefix.length));
}

async function registrationOn(): Promise<void> {
  if (fixture.op.live.current['registration.enabled']) return;
  const changed = once(fixture.op.live, 'change');
  await fixture.op.stores.providerSettings.set('registration.enabled', 'true');
  await changed;
}

/** Where the adapter keeps a registration access token (an opaque token is stored under its own value). */
const ratKey = (token: string) => `oidc:RegistrationAccessToken:{${token}}`;

const mint = async () => (await fixture.op.stores.registrationTokens.create(600)).token;

const metadata = (name: string) => ({ client_name: name, redirect_uris: ['https://rp.example.test/dcr'], response_types: ['id_token'], grant_types: ['implicit'] });

async function register(address: string, token: string, name = 'Flood') {
  const response = await fetch(`${fixture.op.issuer}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-forwarded-for': address },
    body: JSON.stringify(metadata(name)),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const clientNames = async () => (await fixture.op.stores.clients.list()).map((c) => c.metadata.client_name);

describe('registration limits', () => {
  test(`per address: ${LIMIT} registrations, then 429 with Retry-After and nothing stored; another address still registers`, async () => {
    await registrationOn();
    for (let i = 0; i < LIMIT; i++) expect((await register('192.0.2.10', await mint(), `by address ${i}`)).status).toBe(201);
    const refused = await register('192.0.2.10', await mint(), 'by address, one too many');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'temporarily_unavailable', error_description: expect.stringContaining('too many client registrations') });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    expect(await clientNames()).toContain('by address 0');
    expect(await clientNames()).not.toContain('by address, one too many');
    expect((await register('192.0.2.11', await mint())).status).toBe(201);
  });

  test(`per initial access token: ${LIMIT} registrations with one token from as many addresses, then 429`, async () => {
    await registrationOn();
    const token = await mint();
    for (let i = 0; i < LIMIT; i++) expect((await register(`192.0.2.${20 + i}`, token)).status).toBe(201);
    const refused = await register('192.0.2.30', token, 'by token, one too many');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await clientNames()).not.toContain('by token, one too many');
  });

  test('made-up tokens are refused (401) without counting: no counter is made for them or their address', async () => {
    await registrationOn();
    const before = (await keys('ratelimit:*')).sort();
    for (let i = 0; i < 10; i++) expect((await register('192.0.2.40', `made-up-${i}`)).status).toBe(401);
    expect((await keys('ratelimit:*')).sort()).toEqual(before);
  });

  test('a registration access token expires after its lifetime; an update rotates it, with a fresh lifetime', async () => {
    await registrationOn();
    const created = await register('192.0.2.50', await mint(), 'expiring');
    expect(created.status).toBe(201);
    const first = String(created.body.registration_access_token);
    const ttl = await redis().ttl(ratKey(first));
    expect(ttl).toBeGreaterThan(RAT_TTL - 60);
    expect(ttl).toBeLessThanOrEqual(RAT_TTL);

    const uri = String(created.body.registration_client_uri);
    const update = await fetch(uri, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${String(created.body.registration_access_token)}` },
      body: JSON.stringify({ ...metadata('expiring, renamed'), client_id: created.body.client_id }),
    });
    expect(update.status).toBe(200);
    const rotated = (await update.json()) as Record<string, unknown>;
    expect(rotated.registration_access_token).not.toBe(created.body.registration_access_token);
    expect(await redis().exists(ratKey(first))).toBe(0);
    expect(await redis().ttl(ratKey(String(rotated.registration_access_token)))).toBeGreaterThan(RAT_TTL - 60);
    expect((await fetch(uri, { headers: { authorization: `Bearer ${first}` } })).status).toBe(401);
  });
});
