/**
 * A router's routes and its 405/501 answers, consulted only for paths under its prefix: @koa/router tries every
 * route's pattern on every request, and the sign-in paths (authorization, userinfo) would pay for all of the
 * admin API's and the console's on each request.
 */
import type Router from '@koa/router';
import type { Middleware } from 'koa';

export function mountedRouter(prefix: string, router: Router): Middleware {
  const routes = router.routes() as unknown as Middleware;
  const allowedMethods = router.allowedMethods() as unknown as Middleware;
  return (ctx, next) => (ctx.path === prefix || ctx.path.startsWith(`${prefix}/`) ? routes(ctx, () => allowedMethods(ctx, next)) : next());
}
