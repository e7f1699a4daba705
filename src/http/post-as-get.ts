/**
 * OIDC Core 3.1.2.1 and RP-Initiated Logout 2: the authorization and end-session endpoints accept POST as well
 * as GET. oidc-provider serves those POSTs only with SameSite=None session cookies; ours are SameSite=Lax. So a
 * form POSTed to either is answered with a 303 to the same request as a GET, which the browser follows with its
 * cookies.
 */
import type { Middleware } from 'koa';
import { readForm } from './body.js';

export function postAsGet(paths: () => readonly string[]): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || !paths().includes(ctx.path) || !ctx.is('application/x-www-form-urlencoded')) return next();
    const form = await readForm(ctx);
    ctx.status = 303;
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(`${ctx.path}?${form.toString()}`);
  };
}
