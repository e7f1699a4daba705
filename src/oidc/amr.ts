/** Protocol vocabulary: the authentication method references (RFC 8176) this provider reports in `amr`. */
export const AMR = {
  /** A password (or a directory bind). */
  password: 'pwd',
  /** A one-time code: an authenticator app's, or a recovery code (a one-time look-up secret). */
  otp: 'otp',
  /** A key bound to one device's hardware (a security key, a device-bound platform passkey). */
  hardwareKey: 'hwk',
  /** A key that can leave its device (a synced passkey, backed up to the platform's cloud keychain). */
  softwareKey: 'swk',
  /** The user was verified by the authenticator (PIN or biometrics). */
  userPresence: 'user',
  /** Federated: an upstream identity provider authenticated the user. */
  federated: 'fed',
  /** More than one factor. */
  mfa: 'mfa',
} as const;
export type Amr = (typeof AMR)[keyof typeof AMR];

/**
 * A passkey's method: a synced one (WebAuthn's backup-eligible flag, BE) can be copied off the device, so only a
 * device-bound one is a hardware key.
 */
export const passkeyAmr = (synced: boolean): Amr => (synced ? AMR.softwareKey : AMR.hardwareKey);

/** The methods of a first factor followed by a second one: both, and `mfa`, each once. */
export function withSecondFactor(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first, ...second, AMR.mfa])];
}
