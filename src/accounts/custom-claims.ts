/** The rules a user's claims meet: names (claim-names.ts), JSON value types, and the bounds on the whole set. */
import { claimNameProblem } from '../oidc/claim-names.js';
import { STANDARD_CLAIMS } from '../oidc/claims.js';

export const CUSTOM_CLAIMS_MAX = 64;
export const CLAIMS_JSON_MAX = 8192;
const VALUE_RULE = 'a string, number, boolean, array of strings, or flat object (of strings, numbers and booleans)';

const primitive = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** Whether a value is one a claim may hold. */
export function claimValueAllowed(value: unknown): boolean {
  if (primitive(value)) return true;
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string');
  if (typeof value === 'object' && value !== null) {
    const proto = Object.getPrototypeOf(value);
    return (proto === Object.prototype || proto === null) && Object.values(value).every(primitive);
  }
  return false;
}

/** Why a user's whole claim set is refused (naming the claim and the rule), or undefined when it is acceptable. */
export function claimsProblem(claims: unknown): string | undefined {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return 'claims: an object of claim names and values';
  let custom = 0;
  for (const [name, value] of Object.entries(claims)) {
    if (name === 'sub') return 'claim sub: set by the provider, not by hand';
    const nameProblem = claimNameProblem(name);
    if (nameProblem) return nameProblem;
    if (!claimValueAllowed(value)) return `claim ${name}: ${VALUE_RULE}`;
    if (!STANDARD_CLAIMS.has(name)) custom++;
  }
  if (custom > CUSTOM_CLAIMS_MAX) return `claims: at most ${CUSTOM_CLAIMS_MAX} custom claims per user (${custom} given)`;
  const size = Buffer.byteLength(JSON.stringify(claims));
  if (size > CLAIMS_JSON_MAX) return `claims: at most ${CLAIMS_JSON_MAX} bytes of JSON per user (${size} given)`;
  return undefined;
}
