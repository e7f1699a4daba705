/**
 * The console is a first-party client of the provider it administers: built in (not in config/clients.json),
 * authorization code flow with PKCE, confidential, no consent page. Its secret is derived from the first cookie
 * key, so every instance of a deployment knows it without storing it anywhere; the provider keeps its hash.
 */
import { createHmac } from 'node:crypto';
import { hashClientSecret } from '../../clients/secrets.js';
import type { ClientConfig } from '../../config/client-schema.js';

export const CONSOLE_CLIENT_ID = 'oidc-op-console';
export const CONSOLE_PATH = '/admin';
export const CALLBACK_PATH = `${CONSOLE_PATH}/callback`;
export const SIGNED_OUT_PATH = `${CONSOLE_PATH}/signed-out`;

export const consoleSecret = (cookieKey: string) => createHmac('sha256', cookieKey).update('oidc-op console client secret').digest('base64url');

export function consoleClient(issuer: string, cookieKey: string): ClientConfig {
  return {
    client_id: CONSOLE_CLIENT_ID,
    client_name: 'Admin console',
    client_secret: hashClientSecret(consoleSecret(cookieKey)),
    redirect_uris: [`${issuer}${CALLBACK_PATH}`],
    post_logout_redirect_uris: [`${issuer}${SIGNED_OUT_PATH}`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'openid',
    first_party: true,
  };
}
