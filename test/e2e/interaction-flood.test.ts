/**
 * An unauthenticated flood on the authorization endpoint: each request that needs the sign-in page makes an
 * interaction record, so new interactions are limited per client address (429 with Retry-After, our page) and Redis
 * holds at most limit × windows-per-TTL records per address, each bounded by the parameter bounds.
 */
import { describe, expect, test } from '@jest/globals';
import type { Redis } from 'ioredis';
import { AUTHORIZATION_PARAM_MAX } from '../../src/input-bounds.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { ALICE, useProvider } from '../support/provider.js';
import { UserAgent } from '../support/user-agent.js';

const LIMIT = 5;
// A window longer than the file, so no count starts over while it runs.
const fixture = useProvider({ PROXY: 'true', INTERACTION_RATE_LIMIT: String(LIMIT), INTERACTION_RATE_WINDOW: '3600' });

const redis = () => fixture.op.stores.redis as Redis;
const keys = (pattern: string): Promise<string[]> => redis().keys(`${fixture.redis.prefix}${pattern}`);
/** The largest values the bounds let through, in the parameters a record keeps. */
const largest = () =>
  implicitParams({
    state: 's'.repeat(AUTHORIZATION_PARAM_MAX.state!),
    nonce: 'n'.repeat(AUTHORIZATION_PARAM_MAX.nonce!),
    login_hint: 'h'.repeat(AUTHORIZATION_PARAM_MAX.login_hint!),
    ui_locales: 'en '.repeat(AUTHORIZATION_PARAM_MAX.ui_locales! / 3).trim(),
  });

/** One fresh browser (no session) asking to sign in from `address`. */
const startSignIn = (address: string) =>
  new UserAgent(fixture.op.issuer).request(authorizeUrl(fixture.op.issuer, largest()), { headers: { 'x-forwarded-for': address } });

/** Stated bound of one interaction record: Node's 16 KiB header cap holds the whole query; 2 KiB for the rest. */
const RECORD_MAX_BYTES = 18 * 1024;

describe('interaction flood', () => {
  test('one address flooding: LIMIT interactions stored, every other request 429 with Retry-After and our page', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => startSignIn('203.0.113.7')));
    const started = answers.filter((a) => a.status === 303);
    const refused = answers.filter((a) => a.status === 429);
    expect(started).toHaveLength(LIMIT);
    expect(refused).toHaveLength(40 - LIMIT);
    for (const hop of started) expect(hop.location).toMatch(/\/interaction\/[\w-]+$/);
    for (const hop of refused) {
      expect(Number(hop.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(hop.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
      expect(hop.headers.get('content-type')).toMatch(/^text\/html/);
      expect(hop.body).toContain('Too many sign-ins');
      expect(hop.location).toBeUndefined();
    }

    // Redis holds what the bound says: LIMIT records, each at most RECORD_MAX_BYTES, and one counter.
    const records = await keys('oidc:Interaction:*');
    expect(records).toHaveLength(LIMIT);
    // KEYS answers full names; the client adds the file's prefix to the key it is given.
    const sizes = await Promise.all(records.map(async (key) => Number(await redis().call('MEMORY', 'USAGE', key.slice(fixture.redis.prefix.length)))));
    for (const size of sizes) {
      expect(size).toBeGreaterThan(AUTHORIZATION_PARAM_MAX.state!);
      expect(size).toBeLessThanOrEqual(RECORD_MAX_BYTES);
    }
    expect(await keys('ratelimit:*')).toHaveLength(1);

    // Another address is not held by this one's flood.
    expect((await startSignIn('203.0.113.8')).status).toBe(303);
  });

  test('the silent path is not counted: a signed-in browser keeps getting tokens from an address at its limit', async () => {
    const portal = 'https://portal.example.test/cb';
    const url = authorizeUrl(fixture.op.issuer, implicitParams({ client_id: 'first-party', redirect_uri: portal }));
    const ua = new UserAgent(fixture.op.issuer);
    expect((await signIn(ua, url, ALICE)).location?.startsWith(portal)).toBe(true);

    const address = '203.0.113.9';
    const budget = [];
    for (let i = 0; i <= LIMIT; i++) budget.push((await startSignIn(address)).status);
    expect(budget).toEqual([...Array<number>(LIMIT).fill(303), 429]);
    const counter = `ratelimit:{interaction:ip:${address}}`;
    const counted = await redis().get(counter);
    expect(Number(counted)).toBe(LIMIT + 1);

    for (let i = 0; i < 5; i++) {
      const silent = await ua.request(url, { headers: { 'x-forwarded-for': address } });
      expect(silent.status).toBe(302);
      expect(silent.location?.startsWith(portal)).toBe(true);
      expect(new URLSearchParams(new URL(silent.location!).hash.slice(1)).get('access_token')).toEqual(expect.any(String));
    }
    expect(await redis().get(counter)).toBe(counted);
  });
});
