/** The claims an account releases: the standard ones it holds, with `sub` fixed to its id. */
import { STANDARD_CLAIMS } from '../oidc/claims.js';

/** The claims an account holds, with `sub` fixed to the account's id; only standard claims leave the provider. */
export function accountClaims(sub: string, stored: Record<string, unknown>): { sub: string; [claim: string]: unknown } {
  const released: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(stored)) {
    if (STANDARD_CLAIMS.has(name) && name !== 'sub') released[name] = value;
  }
  return { ...released, sub };
}
