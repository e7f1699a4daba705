/**
 * Passkeys and security keys (WebAuthn) through @simplewebauthn/server: the options a browser's authenticator
 * answers and the checks of its answer (challenge, origin, RP ID, signature, a counter that must move on).
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';

export interface PasskeyRecord {
  /** The credential id, base64url. */
  id: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports?: string[];
  createdAt: string;
  /** What the user called it (the account page), bounded by PASSKEY_NAME_MAX. */
  name?: string;
  /**
   * Synced (backup eligible, WebAuthn's BE flag): the key can be copied to the user's other devices, so it is not
   * hardware-bound. Absent on passkeys registered before it was recorded, until their next use.
   */
  synced?: boolean;
  /** Backed up now (the BS flag), as of its registration or last use. */
  backedUp?: boolean;
}

/** A passkey's backup state as an authenticator reported it (registration or assertion). */
export interface BackupState {
  synced: boolean;
  backedUp: boolean;
}

const backupStateOf = (info: { credentialDeviceType: 'singleDevice' | 'multiDevice'; credentialBackedUp: boolean }): BackupState => ({
  synced: info.credentialDeviceType === 'multiDevice',
  backedUp: info.credentialBackedUp,
});

/** Characters of a passkey's name. */
export const PASSKEY_NAME_MAX = 64;

/** The most a browser's WebAuthn answer (JSON) may weigh before it is parsed. */
const RESPONSE_MAX = 16_384;

/** A browser's WebAuthn answer from a form field: parsed when it is JSON within the bound, else undefined. */
export function passkeyResponseOf(text: string | null | undefined): unknown {
  if (!text || text.length > RESPONSE_MAX) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Where passkeys are bound: the issuer's host (the RP ID) and its origin. */
export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

export const relyingPartyOf = (issuer: string): RelyingParty => {
  const url = new URL(issuer);
  return { id: url.hostname, origin: url.origin, name: url.host };
};

const bytes = (base64url: string) => new Uint8Array(Buffer.from(base64url, 'base64url'));

export function registrationOptions(rp: RelyingParty, user: { sub: string; username: string }, existing: readonly PasskeyRecord[]): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.username,
    userID: new TextEncoder().encode(user.sub),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports as AuthenticatorTransport[] | undefined })),
    // Discoverable when the authenticator can: the same passkey can then start a sign-in on its own.
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
}

/** The new passkey, or undefined when the answer does not hold (wrong challenge, origin or RP ID, bad signature). */
export async function verifyRegistration(rp: RelyingParty, response: unknown, challenge: string, now: Date): Promise<{ passkey: PasskeyRecord; userVerified: boolean } | undefined> {
  try {
    const result = await verifyRegistrationResponse({ response: response as RegistrationResponseJSON, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false });
    if (!result.verified) return undefined;
    const { credential, userVerified } = result.registrationInfo;
    return {
      passkey: {
        id: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        ...(credential.transports ? { transports: credential.transports } : {}),
        createdAt: now.toISOString(),
        ...backupStateOf(result.registrationInfo),
      },
      userVerified,
    };
  } catch {
    return undefined;
  }
}

/** With no passkeys named, any discoverable passkey of this RP may answer (a passwordless sign-in), verifying its user. */
export function authenticationOptions(rp: RelyingParty, passkeys: readonly PasskeyRecord[]): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: passkeys.map((p) => ({ id: p.id, transports: p.transports as AuthenticatorTransport[] | undefined })),
    userVerification: passkeys.length ? 'preferred' : 'required',
  });
}

/** The account a discoverable passkey answers for: the user handle it was registered with (our `sub`). */
export function userHandleOf(response: unknown): string | undefined {
  const handle = (response as { response?: { userHandle?: unknown } } | undefined)?.response?.userHandle;
  if (typeof handle !== 'string' || handle.length > 400) return undefined;
  const sub = Buffer.from(handle, 'base64url').toString('utf8');
  return /^[\x21-\x7e]{1,255}$/.test(sub) ? sub : undefined;
}

export type PasskeyVerdict = ({ ok: true; id: string; counter: number; userVerified: boolean } & BackupState) | { ok: false; reason: 'unknown credential' | 'refused' };

/** Checks an assertion against the account's passkeys; a counter that did not move on (a cloned key) is refused. */
export async function verifyAssertion(rp: RelyingParty, response: unknown, challenge: string, passkeys: readonly PasskeyRecord[], requireUserVerification = false): Promise<PasskeyVerdict> {
  const id = (response as Partial<AuthenticationResponseJSON> | undefined)?.id;
  const passkey = passkeys.find((p) => p.id === id);
  if (!passkey) return { ok: false, reason: 'unknown credential' };
  try {
    const result = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: passkey.id, publicKey: bytes(passkey.publicKey), counter: passkey.counter, transports: passkey.transports as AuthenticatorTransport[] | undefined },
      requireUserVerification,
    });
    if (!result.verified) return { ok: false, reason: 'refused' };
    return { ok: true, id: passkey.id, counter: result.authenticationInfo.newCounter, userVerified: result.authenticationInfo.userVerified, ...backupStateOf(result.authenticationInfo) };
  } catch {
    return { ok: false, reason: 'refused' };
  }
}
