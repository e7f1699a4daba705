/**
 * The last hop of an authorization, back to the client's redirect_uri, goes out as 302 Found: the status
 * relying parties (and the OneAccess documentation) expect. oidc-provider answers 303; to a browser
 * following a GET both mean the same, so only these redirects change: interaction hops stay 303.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';

/** The routes whose answer may be the last hop (provider.ts runs finalRedirectAs302 after them). */
export const AUTHORIZATION_ROUTES = ['authorization', 'resume'] as const;
const ROUTES = new Set<string>(AUTHORIZATION_ROUTES);

/** True when `location` points at the request's redirect_uri (same origin and path), not at our own pages. */
export function isClientRedirect(location: string, redirectUri: unknown): boolean {
  if (typeof redirectUri !== 'string') return false;
  // oidc-provider builds the location from the redirect_uri itself: the common case needs no URL parsing.
  const next = location.charAt(redirectUri.length);
  const plain = /^https?:\/\/[^/?#\s]+\/[^?#\s]*$/.test(redirectUri);
  if (plain && location.startsWith(redirectUri) && (next === '' || next === '#' || next === '?')) return true;
  const to = URL.parse(location);
  const registered = URL.parse(redirectUri);
  return !!to && !!registered && to.origin === registered.origin && to.pathname === registered.pathname;
}

export function finalRedirectAs302(ctx: KoaContextWithOIDC): void {
  const { oidc } = ctx;
  if (ctx.status !== 303 || !oidc || !ROUTES.has(oidc.route)) return;
  if (isClientRedirect(ctx.response.get('location'), oidc.params?.redirect_uri)) ctx.status = 302;
}
