/**
 * An assertion checked by verifyAssertion, made by a software authenticator written here with node:crypto (a P-256
 * key, authenticator data and a signature over it): the backup flags become synced/backed up, and an answer for
 * another origin, another RP ID or another challenge is refused even though its signature holds.
 */
import { describe, expect, test } from '@jest/globals';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { relyingPartyOf, verifyAssertion, type PasskeyRecord } from '../../src/mfa/passkeys.js';

const rp = relyingPartyOf('https://op.example.test');
const CHALLENGE = Buffer.from('a challenge of the provider').toString('base64url');
const FLAGS = { up: 0x01, uv: 0x04, be: 0x08, bs: 0x10 };
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

/** The COSE form (RFC 9053) of a P-256 public key: {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}. */
function coseKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  return Buffer.concat([Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20]), x, Buffer.from([0x22, 0x58, 0x20]), y]).toString('base64url');
}

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const passkey: PasskeyRecord = { id: Buffer.from('credential-1').toString('base64url'), publicKey: coseKey(publicKey), counter: 0, createdAt: '2026-01-01T00:00:00.000Z' };

function assertion({ flags = FLAGS.up | FLAGS.uv, origin = rp.origin, rpId = rp.id, challenge = CHALLENGE, counter = 1 } = {}) {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(counter);
  const authenticatorData = Buffer.concat([sha256(rpId), Buffer.from([flags]), count]);
  const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin, crossOrigin: false }));
  const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), privateKey);
  const b64 = (b: Buffer) => b.toString('base64url');
  return { id: passkey.id, rawId: passkey.id, type: 'public-key', clientExtensionResults: {}, response: { authenticatorData: b64(authenticatorData), clientDataJSON: b64(clientDataJSON), signature: b64(signature) } };
}

describe('verifyAssertion', () => {
  test('a device-bound key (no BE flag): not synced; a synced one (BE, BS): synced and backed up', async () => {
    expect(await verifyAssertion(rp, assertion(), CHALLENGE, [passkey])).toEqual({ ok: true, id: passkey.id, counter: 1, userVerified: true, synced: false, backedUp: false });
    expect(await verifyAssertion(rp, assertion({ flags: FLAGS.up | FLAGS.uv | FLAGS.be | FLAGS.bs }), CHALLENGE, [passkey])).toMatchObject({ ok: true, synced: true, backedUp: true });
    // Eligible, not backed up yet: still a key that can leave the device.
    expect(await verifyAssertion(rp, assertion({ flags: FLAGS.up | FLAGS.be }), CHALLENGE, [passkey])).toMatchObject({ ok: true, synced: true, backedUp: false, userVerified: false });
  });

  test.each([
    ['another origin', { origin: 'https://evil.example.test' }],
    ['another RP ID', { rpId: 'evil.example.test' }],
    ['another challenge', { challenge: Buffer.from('an old challenge').toString('base64url') }],
  ])('%s: refused, though the signature holds', async (_what, change) => {
    expect(await verifyAssertion(rp, assertion(change), CHALLENGE, [passkey])).toEqual({ ok: false, reason: 'refused' });
  });

  test('a credential the account does not hold, or user verification asked for and missing: refused', async () => {
    expect(await verifyAssertion(rp, { ...assertion(), id: 'other' }, CHALLENGE, [passkey])).toEqual({ ok: false, reason: 'unknown credential' });
    expect(await verifyAssertion(rp, assertion({ flags: FLAGS.up }), CHALLENGE, [passkey], true)).toEqual({ ok: false, reason: 'refused' });
  });
});
