/**
 * The account page signs its user in through the provider's own authorization endpoint, as a built-in first-party
 * client (public, code with PKCE, no consent page). It reads the provider session the sign-in leaves, so the code
 * itself is never exchanged: what the page trusts is the session cookie, as the provider's other pages do.
 */
import type { ClientConfig } from '../config/client-schema.js';

export const ACCOUNT_CLIENT_ID = 'oidc-op-account';
export const ACCOUNT_PATH = '/account';
export const ACCOUNT_CALLBACK_PATH = `${ACCOUNT_PATH}/callback`;

export function accountClient(issuer: string): ClientConfig {
  return {
    client_id: ACCOUNT_CLIENT_ID,
    client_name: 'Your account',
    redirect_uris: [`${issuer}${ACCOUNT_CALLBACK_PATH}`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'none',
    scope: 'openid',
    first_party: true,
  };
}
