/**
 * RP-Initiated Logout 1.0 3: a post_logout_redirect_uri the client never registered makes oidc-provider refuse
 * the whole request, and the user stays signed in (mod_auth_openidc sends its own, unregistered, logout URL).
 * Such a URI is dropped before oidc-provider reads the request: the user still gets the sign-out confirmation,
 * is never sent there, and the page says why it does not go back to the application.
 */
import type { Context, Middleware } from 'koa';
import { decodeJwt } from 'jose';
import type Provider from 'oidc-provider';

const DROPPED = Symbol('unregistered post_logout_redirect_uri dropped');

/** The client an end-session request names: client_id, else the audience of the (not yet verified) id_token_hint. */
function namedClientId(query: URLSearchParams): string | undefined {
  const clientId = query.get('client_id');
  if (clientId) return clientId;
  const hint = query.get('id_token_hint');
  if (!hint) return undefined;
  try {
    const { aud } = decodeJwt(hint);
    return typeof aud === 'string' ? aud : undefined;
  } catch {
    return undefined; // oidc-provider refuses the hint itself
  }
}

/** Whether this request's unregistered post_logout_redirect_uri was dropped (for the sign-out page). */
export const logoutReturnDropped = (ctx: Pick<Context, 'state'>): boolean => (ctx.state as Record<symbol, unknown>)[DROPPED] === true;

export function dropUnregisteredLogoutReturn(provider: Provider, endSessionPath: () => string): Middleware {
  const drop: Middleware = async (ctx, next) => {
    const query = new URLSearchParams(ctx.querystring);
    const uris = query.getAll('post_logout_redirect_uri');
    const clientId = namedClientId(query);
    // A repeated parameter or an unknown client stays oidc-provider's to refuse.
    if (uris.length !== 1 || !clientId) return next();
    const client = await provider.Client.find(clientId).catch(() => undefined);
    if (!client || client.postLogoutRedirectUriAllowed(uris[0]!)) return next();
    query.delete('post_logout_redirect_uri');
    ctx.querystring = query.toString();
    (ctx.state as Record<symbol, unknown>)[DROPPED] = true;
    return next();
  };
  return (ctx, next) => (ctx.method !== 'GET' || ctx.path !== endSessionPath() ? next() : drop(ctx, next));
}
