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
const OWN_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/assets/app.css', '/assets/logo']);

/** Set by a middleware of ours that answers for oidc-provider without reaching it (prebuilt documents). */
export const ROUTE = Symbol('route');
type Routed = Context & { _matchedRoute?: string; [ROUTE]?: string };

/** A bounded route label: our router's pattern, oidc-provider's route name, or a fixed path of ours. */
function routeOf(ctx: Routed): string {
  const matched = ctx._matchedRoute;
  if (typeof matched === 'string') return matched;
  const provider = ctx[ROUTE] ?? providerRouteOf(ctx.req);
  if (provider) return `oidc:${provider}`;
  if (OWN_PATHS.has(ctx.path)) return ctx.path;
  return 'unmatched';
}

export function requestLog(logger: Logger, metrics: Metrics): Middleware {
  // The line's fields are fixed above and none can hold a credential: the redaction every other line goes through
  // (two thirds of the cost of writing it) has nothing to do here.
  const lines = logger.child({}, { redact: [] });
  return async (ctx, next) => {
    const { req, res } = ctx;
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = id;
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // oidc-provider writes its responses itself: the status is the one on the wire.
      const status = ctx.respond === false ? res.statusCode : ctx.status;
      const route = routeOf(ctx);
      const method = req.method ?? 'GET';
      metrics.requests.observe({ route, method: methodLabel(method), status: String(status) }, seconds);
      lines.info({ reqId: id, method, route, path: ctx.path, status, ms: Math.round(seconds * 10000) / 10 }, 'request');
    }
  };
}
