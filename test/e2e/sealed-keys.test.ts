/** Generated keys kept in Redis encrypted (KEYS_ENCRYPTION_KEY): no private key material at rest, rotation as before. */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { jsonOf, runCli } from '../support/cli.js';
import { useConfigDirs } from '../support/config-dir.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { failedStart, startServerProcess } from '../support/process.js';
import { ALICE, startTestProvider, testEnv, type TestProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const configDir = useConfigDirs();
const KEY = randomBytes(32).toString('base64');
const OTHER_KEY = randomBytes(32).toString('base64');

let redis: TestRedis;
let raw: Redis;
beforeAll(async () => {
  redis = await startTestRedis();
  raw = new Redis(redis.url, { lazyConnect: true });
  await raw.connect();
});
afterAll(async () => {
  raw.disconnect();
  await redis.close();
});

/** Each test on its own key prefix: a fresh key store. */
const prefixed = (name: string) => ({ ...redis, prefix: `${redis.prefix}${name}:` });
const stored = async (prefix: string, id: string) => (await raw.hget(`${prefix}{keys}:records`, id)) ?? '';

const idTokenFrom = async (op: TestProvider) =>
  fragmentParams((await signIn(new UserAgent(op.issuer), authorizeUrl(op.issuer, implicitParams()), ALICE)).location).get('id_token')!;
const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
const verify = (op: TestProvider, jwt: string) => jwtVerify(jwt, createRemoteJWKSet(new URL(`${op.issuer}/jwks`)), { issuer: op.issuer });

describe('keys encrypted at rest', () => {
  test('Redis holds no private key material; the provider signs, verifies and rotates with it', async () => {
    const store = prefixed('sealed');
    const op = await startTestProvider(store, { KEYS_ENCRYPTION_KEY: KEY, SETTINGS_REFRESH_MS: '100' });
    try {
      for (const id of ['signing', 'cookies']) {
        const value = await stored(store.prefix, id);
        expect(JSON.parse(value)).toEqual({ sealed: expect.stringMatching(/^eyJ[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/) });
        expect(value).not.toMatch(/"d"|"cookieKeys"|"kty"/);
      }
      const token = await idTokenFrom(op);
      await expect(verify(op, token)).resolves.toBeDefined();

      // Rotation from the command line, which reads the same KEYS_ENCRYPTION_KEY.
      const rebuilt = once(op.keys, 'change');
      const rotated = await runCli(['keys', 'rotate', '--lead-time', '0', '--json'], {
        NODE_ENV: 'test',
        REDIS_URL: store.url,
        REDIS_KEY_PREFIX: store.prefix,
        KEYS_ENCRYPTION_KEY: KEY,
      });
      expect(rotated.code).toBe(0);
      const states = (jsonOf(rotated) as { keys: { state: string; kids: string[] }[] }).keys;
      expect(states.map((s) => s.state)).toEqual(['retiring', 'active']);
      await rebuilt;
      const after = await idTokenFrom(op);
      expect(states[1]!.kids).toContain(kidOf(after));
      await expect(verify(op, after)).resolves.toBeDefined();
      await expect(verify(op, token)).resolves.toBeDefined(); // the replaced key stays published
      expect(await stored(store.prefix, 'signing')).not.toContain('"d"');
    } finally {
      await op.close(500);
    }
  });

  test('a store of plain records from development is read, then sealed, keeping the same keys', async () => {
    const store = prefixed('migrate');
    const plain = await startTestProvider(store);
    const kids = ((await (await fetch(`${plain.issuer}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    await plain.close(500);
    expect(await stored(store.prefix, 'signing')).toContain('"d"');

    const op = await startTestProvider(store, { KEYS_ENCRYPTION_KEY: KEY });
    try {
      const served = ((await (await fetch(`${op.issuer}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
      expect(served).toEqual(kids);
      for (const id of ['signing', 'cookies']) expect(JSON.parse(await stored(store.prefix, id))).toEqual({ sealed: expect.any(String) });
    } finally {
      await op.close(500);
    }
  });

  test('the wrong key, or none, refuses start-up with a message naming the variable', async () => {
    const store = prefixed('wrong');
    const op = await startTestProvider(store, { KEYS_ENCRYPTION_KEY: KEY });
    await op.close(500);
    await expect(startTestProvider(store, { KEYS_ENCRYPTION_KEY: OTHER_KEY })).rejects.toThrow(
      /^KEYS_ENCRYPTION_KEY does not decrypt the keys kept in Redis \((cookies|signing)\): it is not the key they were encrypted with$/,
    );
    await expect(startTestProvider(store)).rejects.toThrow(/are encrypted: set KEYS_ENCRYPTION_KEY \(or KEYS_ENCRYPTION_KEY_FILE\)/);
    expect(JSON.parse(await stored(store.prefix, 'signing'))).toEqual({ sealed: expect.any(String) }); // nothing overwritten
  });

  test('production starts with generated keys when they are encrypted, and a wrong key stops it without a stack trace', async () => {
    const store = prefixed('production');
    const env = { ...(await testEnv(store)), NODE_ENV: 'production', ISSUER: 'https://id.example.test', DEMO: 'false', CONFIG_DIR: configDir(), KEYS_ENCRYPTION_KEY: KEY };
    const server = await startServerProcess(env);
    expect(await server.stop()).toBe(0);
    expect(await stored(store.prefix, 'signing')).not.toContain('"d"');

    const { code, output } = await failedStart({ ...env, KEYS_ENCRYPTION_KEY: OTHER_KEY });
    expect(code).toBe(1);
    expect(output).toContain('oidc-op cannot start: KEYS_ENCRYPTION_KEY does not decrypt the keys kept in Redis');
    expect(output).not.toMatch(/at \w+ \(/);
  });
});
