import { describe, expect, test } from '@jest/globals';
import { clientSecretMatches, generateClientSecret, hashClientSecret } from '../../src/clients/secrets.js';

describe('generateClientSecret', () => {
  test('is at least 43 base64url characters (256 bits)', () => {
    const secret = generateClientSecret();
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(secret).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test('is unique', () => {
    const secrets = new Set(Array.from({ length: 100 }, () => generateClientSecret()));
    expect(secrets.size).toBe(100);
  });
});

describe('hashClientSecret', () => {
  const secret = 'a-client-secret-of-at-least-32-characters';

  test('is sha256:<base64url> and hides the secret', () => {
    const hashed = hashClientSecret(secret);
    expect(hashed.startsWith('sha256:')).toBe(true);
    expect(hashed).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
    expect(hashed).not.toContain(secret);
  });

  test('is deterministic and differs between secrets', () => {
    expect(hashClientSecret(secret)).toBe(hashClientSecret(secret));
    expect(hashClientSecret(secret)).not.toBe(hashClientSecret(`${secret}x`));
  });

  test('is the SHA-256 of the secret', () => {
    // SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad
    expect(hashClientSecret('abc')).toBe(`sha256:${Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex').toString('base64url')}`);
  });
});

describe('clientSecretMatches', () => {
  const secret = generateClientSecret();

  test('a hashed store matches the right secret', () => {
    expect(clientSecretMatches(hashClientSecret(secret), secret)).toBe(true);
  });

  test('a plain store (config files) matches the right secret', () => {
    expect(clientSecretMatches(secret, secret)).toBe(true);
  });

  test('a wrong secret does not match, hashed or plain', () => {
    expect(clientSecretMatches(hashClientSecret(secret), `${secret}x`)).toBe(false);
    expect(clientSecretMatches(secret, `${secret}x`)).toBe(false);
    expect(clientSecretMatches(hashClientSecret(secret), '')).toBe(false);
  });

  test('presenting the stored hash itself does not match', () => {
    const stored = hashClientSecret(secret);
    expect(clientSecretMatches(stored, stored)).toBe(false);
  });

  test('no stored secret never matches', () => {
    expect(clientSecretMatches(undefined, secret)).toBe(false);
    expect(clientSecretMatches(undefined, '')).toBe(false);
    expect(clientSecretMatches('', '')).toBe(false);
  });

  test('a corrupt stored hash (wrong length) does not match', () => {
    expect(clientSecretMatches('sha256:short', secret)).toBe(false);
  });
});
