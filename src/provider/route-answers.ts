/**
 * What oidc-provider's answer goes through once its route has run, chosen by the route's name: one step around the
 * engine for every concern, so a request pays one async step, not one per concern that does not apply to it.
 */
import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** A change to the answer of some routes (a status, a body), made after oidc-provider has set it. */
export type RouteAnswer = (ctx: KoaContextWithOIDC) => void | Promise<void>;

export interface AnswerHooks {
  /** After every request, answered or failed. */
  served?: (ctx: KoaContextWithOIDC) => void;
  /** An error the engine let escape: answered here (true), or passed on (false). */
  recover?: (ctx: KoaContextWithOIDC, err: unknown) => Promise<boolean>;
}

export function routeAnswers(byRoute: ReadonlyMap<string, RouteAnswer>, hooks: AnswerHooks = {}): Middleware {
  return async (ctx, next) => {
    const oidc = ctx as unknown as KoaContextWithOIDC;
    try {
      await next();
    } catch (err) {
      if (!hooks.recover || !(await hooks.recover(oidc, err))) throw err;
    } finally {
      hooks.served?.(oidc);
    }
    const route = oidc.oidc?.route;
    const answer = route === undefined ? undefined : byRoute.get(route);
    if (answer) await answer(oidc);
  };
}
