/**
 * Authorization and end-session requests with a parameter longer than its bound (input-bounds.ts) end here with our
 * error page (400), before oidc-provider parses, stores or logs anything of them. It runs in oidc-provider's own Koa
 * (`outermost`), so it holds on the request listener's fast lane and behind our Koa app alike.
 */
import type { Middleware } from 'koa';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { oversizedParam } from '../input-bounds.js';
import type { Pages } from '../provider/configuration.js';

/**
 * Not sent back to the client even when its redirect_uri is registered: the error response must echo `state` byte
 * for byte, and an oversized state (or redirect_uri) is exactly what cannot be trusted to be echoed.
 */
export function boundedParameters(paths: () => readonly string[], pages: Pick<Pages, 'error'>): Middleware {
  const refuse: Middleware = async (ctx, next) => {
    const oversized = oversizedParam(new URLSearchParams(ctx.querystring));
    if (!oversized) return next();
    const error = new errors.InvalidRequest(`${oversized.name}: at most ${oversized.max} characters`);
    ctx.status = 400;
    await pages.error(ctx as KoaContextWithOIDC, { error: error.error, error_description: error.error_description }, error);
  };
  // Most requests (userinfo, the token endpoint, a query-less one) are not bounded here: they pass on at once.
  return (ctx, next) => (ctx.querystring === '' || !paths().includes(ctx.path) ? next() : refuse(ctx, next));
}
