/** Which browser origins may call a client's endpoints: userinfo for every client, token and revocation for public ones. */
import type { Configuration } from 'oidc-provider';

/**
 * CORS for userinfo (discovery and JWKS are open to every origin): a browser app may call it
 * from the origin of one of its client's redirect URIs.
 */
export function clientOriginAllowed(origin: string, redirectUris: readonly string[]): boolean {
  if (origin === 'null') return false;
  return redirectUris.some((uri) => URL.parse(uri)?.origin === origin);
}

/** Token and revocation calls from a browser only for public clients: a confidential one keeps its secret server-side. */
export const clientBasedCors: NonNullable<Configuration['clientBasedCORS']> = (ctx, origin, client) =>
  (ctx.oidc.route === 'userinfo' || client.clientAuthMethod === 'none') &&
  clientOriginAllowed(origin, client.redirectUris ?? []);
