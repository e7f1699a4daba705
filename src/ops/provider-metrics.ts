/**
 * What oidc-provider reports, into metrics and the log: authorization outcomes, its server errors (which it
 * answers itself, so our error pages never see them), and the name of the route it served, for the request
 * log and the latency histogram.
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import { errorLabel, responseTypeLabel, type Metrics } from './metrics.js';

// The request is the one object our Koa context and oidc-provider's share.
const routeNames = new WeakMap<IncomingMessage, string>();

/** The oidc-provider route that served this request ('authorization', 'userinfo', …), if it matched one. */
export const providerRouteOf = (req: IncomingMessage): string | undefined => routeNames.get(req);

const AUTHORIZATION_ROUTES = new Set(['authorization', 'resume']);

/** Keeps the name of the route oidc-provider served, once it has (provider.ts calls it after every request). */
export function rememberRoute(ctx: KoaContextWithOIDC): void {
  const route = ctx.oidc?.route;
  if (route) routeNames.set(ctx.req, route);
}

export function observeProvider(provider: Provider, metrics: Metrics, logger: Logger): void {
  const responseType = (ctx: KoaContextWithOIDC) => responseTypeLabel(ctx.oidc?.params?.response_type);
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => metrics.authorizations.inc({ response_type: responseType(ctx), outcome: 'success' }));
  provider.on('authorization.error', (ctx: KoaContextWithOIDC, err: unknown) => metrics.authorizations.inc({ response_type: responseType(ctx), outcome: errorLabel(err) }));
  // Koa's default would print these (a client that broke its connection mid-request) to stderr with a stack.
  (provider as unknown as EventEmitter).on('error', (err: Error) => logger.warn({ err: err.message }, 'request error'));
  provider.on('server_error', (ctx: KoaContextWithOIDC, err: Error) => {
    if (AUTHORIZATION_ROUTES.has(ctx.oidc?.route ?? '')) metrics.authorizations.inc({ response_type: responseType(ctx), outcome: 'server_error' });
    logger.error({ err, route: ctx.oidc?.route }, 'oidc-provider server error');
  });
}
