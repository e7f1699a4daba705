/**
 * The one home of the size bounds on what arrives from outside, checked before anything is stored, hashed, logged
 * or audited. Each bound is above any value a real client or person sends, and low enough that a flood of maximal
 * values stays small in Redis (an interaction record keeps every authorization parameter).
 */

/** Characters of a sign-in name: the account schema's own limit (accounts/users.ts), so nothing longer can match. */
export const USERNAME_MAX = 128;
/** Characters of a password: argon2id hashes all of it, so a megabyte would be a cheap way to burn CPU. */
export const PASSWORD_MAX = 1024;

/**
 * Characters of each authorization request parameter. `state` and `redirect_uri` leave room for a relying party that
 * carries a return URL in them; `id_token_hint` for an ID token with many claims; `claims` for a JSON request of
 * every standard claim.
 */
export const AUTHORIZATION_PARAM_MAX: Readonly<Record<string, number>> = {
  client_id: 256,
  redirect_uri: 2048,
  response_type: 64,
  response_mode: 32,
  scope: 1024,
  state: 1024,
  nonce: 512,
  prompt: 64,
  max_age: 10,
  display: 16,
  ui_locales: 128,
  claims_locales: 128,
  login_hint: 256,
  id_token_hint: 8192,
  acr_values: 512,
  claims: 4096,
  code_challenge: 128,
  code_challenge_method: 16,
  resource: 2048,
  skip_confirm: 8,
};
/** Any other parameter (oidc-provider drops the unknown ones, but the request still carries them). */
export const OTHER_PARAM_MAX = 2048;
/** Characters of a parameter's name. */
export const PARAM_NAME_MAX = 64;

export interface Oversized {
  /** The parameter's name, cut to PARAM_NAME_MAX when the name itself is what is too long. */
  name: string;
  max: number;
}

export const paramMax = (name: string): number => AUTHORIZATION_PARAM_MAX[name] ?? OTHER_PARAM_MAX;

/** The first parameter longer than its bound (or with too long a name), if any. */
export function oversizedParam(params: Iterable<[string, string]>): Oversized | undefined {
  for (const [name, value] of params) {
    if (name.length > PARAM_NAME_MAX) return { name: `${name.slice(0, PARAM_NAME_MAX)}…`, max: PARAM_NAME_MAX };
    const max = paramMax(name);
    if (value.length > max) return { name, max };
  }
  return undefined;
}

/** The sign-in form's fields against their bounds: the name of the first one too long, if any. */
export function oversizedCredential(username: string, password: string): Oversized | undefined {
  if (username.length > USERNAME_MAX) return { name: 'username', max: USERNAME_MAX };
  if (password.length > PASSWORD_MAX) return { name: 'password', max: PASSWORD_MAX };
  return undefined;
}
