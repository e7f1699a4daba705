/** The second factor's pure parts and its domain on the memory twins: policy, TOTP steps, replay, recovery codes. */
import { describe, expect, test } from '@jest/globals';
import { Secret, TOTP } from 'otpauth';
import { Factors, type MfaRecord } from '../../src/mfa/factors.js';
import { MemoryUsedCodes } from '../../src/mfa/memory-used-codes.js';
import { requestedAcrs, secondFactorRequired } from '../../src/mfa/policy.js';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from '../../src/mfa/recovery-codes.js';
import { matchingStep, normalizeCode, totpUri } from '../../src/mfa/totp.js';
import { ACR_MFA, ACR_PASSWORD } from '../../src/oidc/acr.js';
import { passkeyAmr, withSecondFactor } from '../../src/oidc/amr.js';
import { MemoryCollection } from '../../src/storage/memory-collection.js';

const code = (secret: string, at: number) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: at });

describe('policy', () => {
  const base = { setting: 'off' as const, clientRequires: false, acrs: [] };
  test('off: nothing required unless the client or the request asks', () => {
    expect(secondFactorRequired(base)).toBe(false);
    expect(secondFactorRequired({ ...base, clientRequires: true })).toBe(true);
    expect(secondFactorRequired({ ...base, acrs: [ACR_MFA] })).toBe(true);
  });
  test('a request that also accepts the password level does not insist', () => {
    expect(secondFactorRequired({ ...base, acrs: [ACR_PASSWORD, ACR_MFA] })).toBe(false);
  });
  test('admins: only accounts with the admin role; all: everyone', () => {
    expect(secondFactorRequired({ ...base, setting: 'admins', role: 'user' })).toBe(false);
    expect(secondFactorRequired({ ...base, setting: 'admins', role: 'admin' })).toBe(true);
    expect(secondFactorRequired({ ...base, setting: 'all', role: 'user' })).toBe(true);
  });
  test('requested ACRs: acr_values and the claims parameter, a malformed one ignored', () => {
    expect(requestedAcrs(`${ACR_PASSWORD} ${ACR_MFA}`, undefined)).toEqual([ACR_PASSWORD, ACR_MFA]);
    expect(requestedAcrs(undefined, JSON.stringify({ id_token: { acr: { essential: true, value: ACR_MFA } } }))).toEqual([ACR_MFA]);
    expect(requestedAcrs(undefined, JSON.stringify({ id_token: { acr: { values: [ACR_MFA, 7] } } }))).toEqual([ACR_MFA]);
    expect(requestedAcrs(undefined, '{not json')).toEqual([]);
  });
  test('amr after a second factor: both methods and mfa, each once', () => {
    expect(withSecondFactor(['pwd'], ['otp'])).toEqual(['pwd', 'otp', 'mfa']);
    expect(withSecondFactor(['pwd', 'otp', 'mfa'], ['otp'])).toEqual(['pwd', 'otp', 'mfa']);
  });

  test('a synced passkey (backup eligible) is a software key; a device-bound one a hardware key', () => {
    expect(passkeyAmr(true)).toBe('swk');
    expect(passkeyAmr(false)).toBe('hwk');
  });
});

describe('TOTP', () => {
  const secret = new Secret({ size: 20 }).base32;
  const now = 1_800_000_000_000;
  test('the current step and one either side match; two away does not', () => {
    const step = Math.floor(now / 30_000);
    expect(matchingStep(secret, code(secret, now), now)).toBe(step);
    expect(matchingStep(secret, code(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchingStep(secret, code(secret, now + 30_000), now)).toBe(step + 1);
    expect(matchingStep(secret, code(secret, now + 60_000), now)).toBeUndefined();
  });
  test('codes as typed: spaces ignored, anything but six digits malformed', () => {
    expect(normalizeCode(' 123 456 ')).toBe('123456');
    expect(normalizeCode('12345')).toBeUndefined();
    expect(normalizeCode('12345a')).toBeUndefined();
  });
  test('the otpauth URI names the issuer and the account', () => {
    expect(totpUri(secret, 'op.example', 'alice')).toMatch(/^otpauth:\/\/totp\/op\.example:alice\?.*secret=/);
  });
});

describe('recovery codes', () => {
  test('ten distinct codes, read back in any case and with or without the dash', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const c = codes[0]!;
    expect(normalizeRecoveryCode(c.toLowerCase().replace('-', ' '))).toBe(c.replace('-', ''));
    expect(hashRecoveryCode(c.toLowerCase())).toBe(hashRecoveryCode(c));
    expect(normalizeRecoveryCode('x'.repeat(100))).toBeUndefined();
  });
});

describe('Factors on the memory twins', () => {
  let clock = 1_800_000_000_000;
  const now = () => clock;
  const records = new MemoryCollection<MfaRecord>();
  const factors = new Factors(records, new MemoryUsedCodes(now), now);

  test('an app counts only once confirmed; each step accepts one code; a reset removes everything', async () => {
    const secret = await factors.beginTotp('u1');
    expect(await factors.beginTotp('u1')).toBe(secret);
    expect(await factors.enrolled('u1')).toBe(false);
    expect(await factors.verifyTotp('u1', code(secret, clock))).toBe('not_enrolled');
    expect(await factors.confirmTotp('u1', '000000' === code(secret, clock) ? '111111' : '000000')).toBe('wrong');
    expect(await factors.confirmTotp('u1', code(secret, clock))).toBe('accepted');
    expect(await factors.enrolled('u1')).toBe(true);
    expect(await factors.verifyTotp('u1', code(secret, clock))).toBe('replayed');
    clock += 30_000;
    expect(await factors.verifyTotp('u1', code(secret, clock))).toBe('accepted');
    expect(await factors.verifyTotp('u1', code(secret, clock))).toBe('replayed');
    expect(await factors.verifyTotp('u1', 'nope')).toBe('malformed');
    expect(JSON.stringify(await factors.summary('u1'))).not.toContain(secret);
    expect(await factors.reset('u1')).toMatchObject({ totp: true });
    expect(await factors.enrolled('u1')).toBe(false);
  });

  test('recovery codes: each spent once, a new set voids the old one', async () => {
    const codes = await factors.newRecoveryCodes('u2');
    expect(await factors.useRecoveryCode('u2', codes[3]!)).toBe('accepted');
    expect(await factors.useRecoveryCode('u2', codes[3]!)).toBe('wrong');
    expect((await factors.summary('u2')).recoveryCodesLeft).toBe(9);
    const fresh = await factors.newRecoveryCodes('u2');
    expect(await factors.useRecoveryCode('u2', codes[4]!)).toBe('wrong');
    expect(await factors.useRecoveryCode('u2', fresh[0]!)).toBe('accepted');
    expect(await factors.useRecoveryCode('u2', 'short')).toBe('malformed');
    const stored = JSON.stringify(await records.get('u2'));
    expect(stored).not.toContain(fresh[1]!);
  });
});

describe('passkey counters', () => {
  const records = new MemoryCollection<MfaRecord>();
  const factors = new Factors(records, new MemoryUsedCodes());
  const passkey = { id: 'cred-1', publicKey: 'AAAA', counter: 3, createdAt: '2026-01-01T00:00:00.000Z', synced: false, backedUp: false };
  const bound = { synced: false, backedUp: false };

  test('a counter must move on: the same or a lower one (a replayed or cloned key) is refused', async () => {
    await factors.addPasskey('u3', passkey);
    expect(await factors.enrolled('u3')).toBe(true);
    expect(await factors.advancePasskey('u3', 'cred-1', 3, bound)).toBe(false);
    expect(await factors.advancePasskey('u3', 'cred-1', 2, bound)).toBe(false);
    expect(await factors.advancePasskey('u3', 'cred-1', 4, bound)).toBe(true);
    expect(await factors.advancePasskey('u3', 'cred-1', 4, bound)).toBe(false);
    expect(await factors.advancePasskey('u3', 'unknown', 9, bound)).toBe(false);
  });

  test('an authenticator that keeps no counter (always 0) is let through', async () => {
    await factors.addPasskey('u4', { ...passkey, counter: 0 });
    expect(await factors.advancePasskey('u4', 'cred-1', 0, bound)).toBe(true);
  });

  test('each use records the backup state the authenticator reported, even without a counter', async () => {
    await factors.addPasskey('u6', { ...passkey, counter: 0 });
    expect((await factors.summary('u6')).passkeyList).toEqual([{ createdAt: passkey.createdAt, synced: false, backedUp: false }]);
    expect(await factors.advancePasskey('u6', 'cred-1', 0, { synced: true, backedUp: true })).toBe(true);
    expect((await factors.summary('u6')).passkeyList).toEqual([{ createdAt: passkey.createdAt, synced: true, backedUp: true }]);
    expect(await factors.passkeys('u6')).toEqual([{ ...passkey, counter: 0, synced: true, backedUp: true }]);
  });
});

describe("the user's own changes (the account's security page)", () => {
  let clock = 1_800_000_000_000;
  const now = () => clock;
  const records = new MemoryCollection<MfaRecord>();
  const factors = new Factors(records, new MemoryUsedCodes(now), now);
  const passkey = (id: string) => ({ id, publicKey: 'AAAA', counter: 0, createdAt: '2026-01-01T00:00:00.000Z' });

  test('removing the app or a passkey; the last one takes the recovery codes with it, or is refused when one is required', async () => {
    const secret = await factors.beginTotp('u5');
    expect(await factors.confirmTotp('u5', code(secret, clock))).toBe('accepted');
    await factors.addPasskey('u5', { ...passkey('key-1'), name: 'Laptop' });
    await factors.newRecoveryCodes('u5');
    expect(await factors.removeFactor('u5', { kind: 'passkey', id: 'nope' }, false)).toBe('not_found');
    expect(await factors.removeFactor('u5', { kind: 'totp' }, true)).toBe('removed');
    expect(await factors.summary('u5')).toMatchObject({ totp: false, passkeys: 1, recoveryCodesLeft: 10 });
    expect(await factors.removeFactor('u5', { kind: 'totp' }, true)).toBe('not_found');
    // Required: the last one stays, and nothing changes.
    expect(await factors.removeFactor('u5', { kind: 'passkey', id: 'key-1' }, true)).toBe('last');
    expect(await factors.summary('u5')).toMatchObject({ passkeys: 1, recoveryCodesLeft: 10 });
    // Not required: gone, its recovery codes too; a password alone again.
    expect(await factors.removeFactor('u5', { kind: 'passkey', id: 'key-1' }, false)).toBe('removed');
    expect(await factors.summary('u5')).toMatchObject({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
    expect(await factors.enrolled('u5')).toBe(false);
  });

  test('a passkey challenge held for the account page is spent by its first reading, and void after five minutes', async () => {
    await factors.holdPasskeyChallenge('u6', 'challenge-1');
    expect(await factors.takePasskeyChallenge('u6')).toBe('challenge-1');
    expect(await factors.takePasskeyChallenge('u6')).toBeUndefined();
    await factors.holdPasskeyChallenge('u6', 'challenge-2');
    clock += 5 * 60 * 1000;
    expect(await factors.takePasskeyChallenge('u6')).toBeUndefined();
    expect(await factors.enrolled('u6')).toBe(false);
  });
});
