/** Rotating signing keys without downtime: publish first, sign later, keep the old key published, retire it. */
import { once } from 'node:events';
import { describe, expect, test } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { ALICE, useProvider } from '../support/provider.js';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider({ SETTINGS_REFRESH_MS: '100' });
const cli = (args: string[]) => runCli(args, { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test' });

interface Status {
  kids: string[];
  state: string;
  activeFrom: string;
  createdAt: string;
}

/** Runs a keys command and resolves once the provider has rebuilt with the keys it changed. */
async function keys(args: string[]): Promise<Status[]> {
  const rebuilt = once(fixture.op.keys, 'change');
  const result = await cli(['keys', ...args, '--json']);
  expect(result.code).toBe(0);
  await rebuilt;
  return (jsonOf(result) as { keys: Status[] }).keys;
}

const idToken = async () => fragmentParams((await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, implicitParams()), ALICE)).location).get('id_token')!;
const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
const publishedKids = async () => ((await (await fetch(`${fixture.op.issuer}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
// A fresh key set each time, as a relying party that refetches after a rotation would have.
const verifies = (jwt: string) =>
  jwtVerify(jwt, createRemoteJWKSet(new URL(`${fixture.op.issuer}/jwks`)), { issuer: fixture.op.issuer }).then(
    () => true,
    () => false,
  );

describe('keys', () => {
  test('rotate publishes before signing, keeps the old key until retired, and never retires the key that signs', async () => {
    const initial = (jsonOf(await cli(['keys', 'list', '--json'])) as { keys: Status[] }).keys;
    expect(initial.map((s) => s.state)).toEqual(['active']);
    const [first] = initial;
    // The first generation signs from when it was made, not from the epoch it is stored with.
    expect(Date.parse(first!.activeFrom)).toBeGreaterThan(Date.parse('2020-01-01'));
    expect(first!.activeFrom).toBe(first!.createdAt);
    // The text form labels each kid with its algorithm.
    expect((await cli(['keys', 'list'])).stdout).toMatch(/^active {4}RS256 \S+, ES256 \S+, EdDSA \S+ {2}active from \d{4}-/);
    const before = await idToken();
    expect(first!.kids).toContain(kidOf(before));

    // A long lead time: the new key is published at once but does not sign yet.
    const afterRotate = await keys(['rotate', '--lead-time', '3600']);
    expect(afterRotate.map((s) => s.state)).toEqual(['active', 'next']);
    const next = afterRotate[1]!;
    expect(await publishedKids()).toEqual(expect.arrayContaining([...first!.kids, ...next.kids]));
    expect(first!.kids).toContain(kidOf(await idToken()));

    // A rotation without lead time signs at once; the first key becomes retiring and stays published.
    const now = await keys(['rotate', '--lead-time', '0']);
    expect(now.map((s) => s.state)).toEqual(['retiring', 'active', 'next']);
    const active = now[1]!;
    const after = await idToken();
    expect(active.kids).toContain(kidOf(after));
    expect(await verifies(before)).toBe(true);
    expect(await verifies(after)).toBe(true);

    const refused = await cli(['keys', 'retire', kidOf(after), '--json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/it signs now; rotate first/);

    const retired = await keys(['retire', kidOf(before)]);
    expect(retired.map((s) => s.state)).toEqual(['retired', 'active', 'next']);
    expect(await publishedKids()).not.toContain(kidOf(before));
    expect(await verifies(before)).toBe(false);
    expect(await verifies(after)).toBe(true);
    expect((await cli(['keys', 'retire', 'no-such-kid', '--json'])).stderr).toMatch(/key no-such-kid: not found/);
  });
});
