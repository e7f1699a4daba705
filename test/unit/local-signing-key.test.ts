import { describe, expect, test } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, importJWK, type JWK } from 'jose';
import Provider from 'oidc-provider';
import { generateSigningKeys } from '../../src/keys/generated-keys.js';
import { LocalSigningKey, signingKeys, signsOnPool } from '../../src/keys/local-signing-key.js';

const jwks = await generateSigningKeys();
const ONE_PROCESS = { processes: 1, cores: 2 };
const A_PROCESS_PER_CORE = { processes: 2, cores: 2 };
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('local signing keys', () => {
  test('only RSA signatures go to the libuv pool, and only while a core is left for them', () => {
    expect(signsOnPool('RS256', { processes: 1, cores: 4 })).toBe(true);
    expect(signsOnPool('RS256', { processes: 7, cores: 8 })).toBe(true);
    expect(signsOnPool('RS256', ONE_PROCESS)).toBe(true);
    expect(signsOnPool('RS256', A_PROCESS_PER_CORE)).toBe(false);
    expect(signsOnPool('RS256', { processes: 1, cores: 1 })).toBe(false);
    expect(signsOnPool('ES256', { processes: 1, cores: 64 })).toBe(false);
    expect(signsOnPool('EdDSA', { processes: 1, cores: 64 })).toBe(false);
  });

  test.each([
    ['one process on four cores', { processes: 1, cores: 4 }, ['RS256']],
    ['one process on two cores', ONE_PROCESS, ['RS256']],
    ['a process per core', A_PROCESS_PER_CORE, []],
  ])('with %s, each generated key signs a JWS that jose verifies with the key published for it', async (_name, placement, pooled) => {
    const keys = signingKeys(jwks, placement).keys;
    expect(keys.map((k) => [k.kid, k.alg])).toEqual(jwks.keys.map((k) => [k.kid, k.alg]));
    for (const key of keys) {
      expect(key).toBeInstanceOf(LocalSigningKey);
      const local = key as LocalSigningKey;
      const input = `${encode({ alg: local.alg, kid: local.kid })}.${encode({ sub: 'alice', nonce: local.alg })}`;
      const made = local.sign(Buffer.from(input));
      // On the pool a promise; inline the signature itself.
      expect(made instanceof Promise).toBe(pooled.includes(local.alg));
      const signature = Buffer.from(await made).toString('base64url');
      const published = local.keyObject().export({ format: 'jwk' }) as JWK;
      expect(published).not.toHaveProperty('d');
      const verified = await compactVerify(`${input}.${signature}`, await importJWK(published, local.alg));
      expect(JSON.parse(Buffer.from(verified.payload).toString())).toEqual({ sub: 'alice', nonce: local.alg });
      expect(verified.protectedHeader).toEqual({ alg: local.alg, kid: local.kid });
    }
  });

  test('an ECDSA signature is in JWS form (r||s, 64 bytes for P-256), not DER', async () => {
    const es = signingKeys(jwks, ONE_PROCESS).keys.find((k) => k.alg === 'ES256') as LocalSigningKey;
    expect((await es.sign(Buffer.from('x'))).byteLength).toBe(64);
  });

  test('a key of an algorithm not signed locally, or without one, is passed on unchanged', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const ps = { ...rsa, kty: 'RSA' as const, d: String(rsa.d), kid: 'ps', alg: 'PS256' };
    const bare = { ...rsa, kty: 'RSA' as const, d: String(rsa.d), kid: 'bare' };
    const [first, second] = signingKeys({ keys: [ps, bare] }, ONE_PROCESS).keys;
    expect(first).toBe(ps);
    expect(second).toBe(bare);
  });

  test("oidc-provider publishes the same JWKS for local signing keys as for the private JWKs they wrap", async () => {
    const publish = async (keys: object) => {
      const provider = new Provider('http://localhost', { jwks: keys as never, features: { externalSigningSupport: { enabled: true, ack: 'experimental-01' } } });
      const res = await fetchFrom(provider, '/jwks');
      return res;
    };
    expect(await publish(signingKeys(jwks, ONE_PROCESS))).toEqual(await publish(jwks));
  });
});

/** One GET answered by the provider on a loopback port of its own. */
async function fetchFrom(provider: Provider, path: string): Promise<unknown> {
  const { createServer } = await import('node:http');
  const server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    return await (await fetch(`http://127.0.0.1:${port}${path}`)).json();
  } finally {
    server.close();
  }
}
