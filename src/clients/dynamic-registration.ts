/**
 * A client registering itself (RFC 7591) or updating its registration (RFC 7592) as a client of our registry:
 * the metadata oidc-provider accepted is checked again by the rules every client passes (redirect URI policy,
 * lengths, scopes, the response types the settings allow) and refusals come back as the RFC 7591 errors,
 * naming the field (by its registration name) and the rule.
 */
import { errors, type AdapterPayload } from 'oidc-provider';
import type { NewClient } from './client-input.js';
import { ClientError } from './client-record.js';
import type { ClientRegistry } from './registry.js';
import { hashClientSecret, isSecretHash } from './secrets.js';

/** Our fields (the administrator's terms) by their registration names. */
const FIELDS: Record<string, keyof NewClient> = {
  client_name: 'name',
  redirect_uris: 'redirectUris',
  post_logout_redirect_uris: 'postLogoutRedirectUris',
  response_types: 'responseTypes',
  grant_types: 'grantTypes',
  scope: 'scopes',
  token_endpoint_auth_method: 'authMethod',
  logo_uri: 'logoUri',
  client_uri: 'clientUri',
  policy_uri: 'policyUri',
  tos_uri: 'tosUri',
  first_party: 'firstParty',
  always_select_account: 'alwaysSelectAccount',
  require_mfa: 'requireMfa',
  id_token_signed_response_alg: 'idTokenSignedResponseAlg',
};
/** How the registry's messages name a field (as the command line does) → its registration name. */
const REGISTRATION_NAMES: Record<string, string> = {
  name: 'client_name',
  'redirect-uri': 'redirect_uris',
  'post-logout-redirect-uri': 'post_logout_redirect_uris',
  'response-type': 'response_types',
  'grant-type': 'grant_types',
  'auth-method': 'token_endpoint_auth_method',
  'logo-uri': 'logo_uri',
  'client-uri': 'client_uri',
  'policy-uri': 'policy_uri',
  'tos-uri': 'tos_uri',
  'first-party': 'first_party',
  'id-token-signed-response-alg': 'id_token_signed_response_alg',
};
/** Set by an administrator only, or naming a document this provider would have to fetch. */
const REFUSED: Record<string, string> = {
  access_token_ttl: 'set by an administrator only',
  id_token_ttl: 'set by an administrator only',
  jwks_uri: 'not supported by this provider (it fetches no document a registering client names)',
  sector_identifier_uri: 'not supported by this provider (it fetches no document a registering client names)',
};
/** Kept as registered but not modelled by us (contacts, application_type, …): each bounded. */
const MAX_EXTRA_CHARS = 2000;
const NOT_KEPT = new Set(['client_id', 'client_secret', 'client_secret_expires_at']);

const inRegistrationTerms = (message: string) =>
  message
    .split('; ')
    .map((part) => part.replace(/^[a-z-]+/, (field) => REGISTRATION_NAMES[field] ?? field))
    .join('; ');

const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : undefined);
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export interface RegistrationPolicy {
  /** Whether the implicit response types are offered now (runtime setting implicit.enabled). */
  implicitEnabled: () => boolean;
}

/** Stores what oidc-provider's registration or update endpoint accepted; throws the RFC 7591 error when our rules refuse it. */
export async function storeRegistered(registry: ClientRegistry, clientId: string, payload: AdapterPayload, policy: RegistrationPolicy): Promise<void> {
  const m = payload as Record<string, unknown>;
  const refused = Object.keys(REFUSED).find((field) => m[field] !== undefined);
  if (refused) throw new errors.InvalidClientMetadata(`${refused}: ${REFUSED[refused]}`);
  const responseTypes = list(m.response_types) ?? [];
  const implicit = responseTypes.find((type) => type.split(' ').includes('id_token'));
  if (implicit && !policy.implicitEnabled()) {
    throw new errors.InvalidClientMetadata(`response_types: ${implicit} is not offered (the implicit flow is disabled on this provider; use code)`);
  }
  const registered: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(m)) {
    if (field in FIELDS || NOT_KEPT.has(field) || value === undefined) continue;
    if (JSON.stringify(value).length > MAX_EXTRA_CHARS) throw new errors.InvalidClientMetadata(`${field}: at most ${MAX_EXTRA_CHARS} characters`);
    registered[field] = value;
  }
  const input: NewClient = {
    name: text(m.client_name) ?? '',
    redirectUris: list(m.redirect_uris) ?? [],
    postLogoutRedirectUris: list(m.post_logout_redirect_uris),
    responseTypes,
    grantTypes: list(m.grant_types),
    scopes: text(m.scope)?.split(' ').filter(Boolean),
    authMethod: text(m.token_endpoint_auth_method),
    logoUri: text(m.logo_uri),
    clientUri: text(m.client_uri),
    policyUri: text(m.policy_uri),
    tosUri: text(m.tos_uri),
    firstParty: m.first_party === true,
    alwaysSelectAccount: m.always_select_account === true,
    requireMfa: m.require_mfa === true,
    idTokenSignedResponseAlg: text(m.id_token_signed_response_alg),
  };
  // oidc-provider hands over the secret it just issued (to hash), or on an update the stored hash.
  const secret = text(m.client_secret);
  const secretHash = secret && (isSecretHash(secret) ? secret : hashClientSecret(secret));
  try {
    await registry.putRegistered(clientId, input, registered, secretHash);
  } catch (err) {
    // oidc-provider answers invalid_redirect_uri for a description that starts with redirect_uris.
    if (err instanceof ClientError) throw new errors.InvalidClientMetadata(inRegistrationTerms(err.message));
    throw err;
  }
}
