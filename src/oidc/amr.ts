/** Protocol vocabulary: the authentication method references (RFC 8176) this provider reports in `amr`. */
export const AMR = {
  /** A password (or a directory bind). */
  password: 'pwd',
  /** A one-time code: an authenticator app's, or a recovery code (a one-time look-up secret). */
  otp: 'otp',
  /** A key held in hardware (a security key, a platform passkey). */
  hardwareKey: 'hwk',
  /** The user was verified by the authenticator (PIN or biometrics). */
  userPresence: 'user',
  /** Federated: an upstream identity provider authenticated the user. */
  federated: 'fed',
  /** More than one factor. */
  mfa: 'mfa',
} as const;
export type Amr = (typeof AMR)[keyof typeof AMR];

/** The methods of a first factor followed by a second one: both, and `mfa`, each once. */
export function withSecondFactor(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first, ...second, AMR.mfa])];
}
