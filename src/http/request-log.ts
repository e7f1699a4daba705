/**
 * One JSON log line and one latency observation per request, under a request id that is also sent back in
 * X-Request-Id (a sane incoming one is kept, so a proxy's id follows the request through). The line names the
 * route, never the query string or a header: queries carry id_token_hint and codes, headers carry cookies and
 * bearer tokens.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import { providerRouteOf } from '../ops/provider-metrics.js';
import { methodLabel, type Metrics } from '../ops/metrics.js';

const INCOMING_ID = /^[\w.:@-]{1,128}$/;

/** A bounded route label: our router's pattern, oidc-provider's route name, or a fixed path of ours. */
function routeOf(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: string })._matchedRoute;
  if (typeof matched === 'string') return matched;
  const provider = providerRouteOf(ctx.req);
  if (provider) return `oidc:${provider}`;
  if (['/healthz', '/readyz', '/metrics', '/assets/app.css', '/assets/logo'].includes(ctx.path)) return ctx.path;
  return 'unmatched';
}

export function requestLog(logger: Logger, metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const id = INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // oidc-provider writes its responses itself: the status is the one on the wire.
      const status = ctx.respond === false ? ctx.res.statusCode : ctx.status;
      const route = routeOf(ctx);
      metrics.requests.observe({ route, method: methodLabel(ctx.method), status: String(status) }, seconds);
      logger.info({ reqId: id, method: ctx.method, route, path: ctx.path, status, ms: Math.round(seconds * 10000) / 10 }, 'request');
    }
  };
}
