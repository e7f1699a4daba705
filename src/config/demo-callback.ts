/**
 * The provider's own callback page for the demo clients (development only): where the start banner's "try" URL ends,
 * so a first sign-in ends on a page that shows what came back, with no example app running.
 */
import type { ClientConfig } from './client-schema.js';

export const DEMO_CALLBACK_PATH = '/demo/callback';

/** The try URL's nonce and state: fixed, so the callback page can check that the answer is to this request. */
export const DEMO_NONCE = 'n-0S6_WzA2Mj';
export const DEMO_STATE = 'af0ifjsldkj';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether the callback can be registered: plain http is a redirect URI only on a loopback host. */
export function demoCallbackFits(issuer: string): boolean {
  const { protocol, hostname } = new URL(issuer);
  return protocol === 'https:' || LOOPBACK.has(hostname);
}

/** The callback beside this issuer, registered first so the try URL and the landing page use it. */
export function withDemoCallback(client: ClientConfig, issuer: string): ClientConfig {
  const callback = `${issuer}${DEMO_CALLBACK_PATH}`;
  if (!demoCallbackFits(issuer) || client.redirect_uris.includes(callback)) return client;
  return { ...client, redirect_uris: [callback, ...client.redirect_uris] };
}

/**
 * The authorization request a first look starts with: the demo client's first response type, to the callback page
 * (or to the client's own first redirect URI when the callback could not be registered).
 */
export function demoTryUrl(issuer: string, client: ClientConfig, authorizationPath = '/auth'): string {
  const params = new URLSearchParams({
    client_id: client.client_id,
    response_type: client.response_types[0]!,
    scope: 'openid profile email',
    redirect_uri: demoCallbackFits(issuer) ? `${issuer}${DEMO_CALLBACK_PATH}` : client.redirect_uris[0]!,
    nonce: DEMO_NONCE,
    state: DEMO_STATE,
  });
  return `${issuer}${authorizationPath}?${params}`;
}
