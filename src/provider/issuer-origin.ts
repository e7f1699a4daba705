/**
 * Without a trusted proxy (PROXY=false) the Host header, and an absolute request target, are the client's to
 * choose, and oidc-provider names its endpoints after the request's URL (discovery, form actions, redirects).
 * Each request is seen at the issuer's origin instead, whatever it says.
 */
import type { Middleware } from 'koa';

/** The path and query of a request target, origin-form or absolute-form. */
export function pathAndQuery(target: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target;
  const url = URL.parse(target);
  return url ? `${url.pathname}${url.search}` : '/';
}

export function seenAtIssuer(issuer: string): Middleware {
  const { origin, host, hostname } = new URL(issuer);
  return (ctx, next) => {
    // The common case, a request already at the issuer's origin in origin-form, has nothing to rewrite: redefining
    // the request's properties would cost every silent sign-in and userinfo call an object reshaped for nothing.
    const target = ctx.request.originalUrl;
    if (target.startsWith('/') && ctx.request.origin === origin) return next();
    const href = `${origin}${pathAndQuery(target)}`;
    // Own properties in front of Koa's getters, for this request only.
    Object.defineProperties(ctx.request, { origin: { value: origin }, href: { value: href }, host: { value: host }, hostname: { value: hostname } });
    return next();
  };
}
