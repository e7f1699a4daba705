/**
 * One JSON log line and one latency observation per request, under a request id that is also sent back in
 * X-Request-Id (a sane incoming one is kept, so a proxy's id follows the request through). The line names the
 * route, never the query string or a header: queries carry id_token_hint and codes, headers carry cookies and
 * bearer tokens.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import { providerRouteOf } from '../ops/provider-metrics.js';
import { methodLabel, seriesOf, type Metrics } from '../ops/metrics.js';

const INCOMING_ID = /^[\w.:@-]{1,128}$/;
const OWN_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/assets/app.css', '/assets/logo', '/assets/frontchannel-logout.js']);

/**
 * Routes whose answers are logged at debug, not info: the public documents every relying party and resource
 * server polls. Their lines say nothing an operator acts on (no client, user or token in them) and would be the
 * largest share of the cheapest answer's cost; the latency metric still counts every one, and a failure is still
 * logged at info.
 */
const QUIET_ROUTES = new Set(['oidc:discovery', 'oidc:jwks']);

/** Set by a middleware of ours that answers for oidc-provider without reaching it (prebuilt documents). */
export const ROUTE = Symbol('route');
type Routed = Context & { _matchedRoute?: string; [ROUTE]?: string };

/** A bounded route label: oidc-provider's route name, our router's pattern, or a fixed path of ours. */
function routeOf(ctx: Routed): string {
  // oidc-provider's name first: in its own Koa context (the request listener's fast lane) its router sets _matchedRoute too.
  const provider = ctx[ROUTE] ?? providerRouteOf(ctx.req);
  if (provider) return `oidc:${provider}`;
  const matched = ctx._matchedRoute;
  if (typeof matched === 'string') return matched;
  if (OWN_PATHS.has(ctx.path)) return ctx.path;
  return 'unmatched';
}

/** Marks a request whose line a RequestLog middleware will write, so a second one on its way (oidc-provider's) stays out. */
const LOGGED = Symbol('logged');
type Marked = IncomingMessage & { [LOGGED]?: true };

/** The log line and latency of each request, whether Koa serves it or the request listener (http/request-listener.ts) does. */
export class RequestLog {
  readonly #lines: Logger;
  readonly #latency: ReturnType<typeof seriesOf<'route' | 'method' | 'status'>>;

  constructor(
    logger: Logger,
    metrics: Metrics,
  ) {
    // The line's fields are fixed here and none can hold a credential: the redaction every other line goes through
    // (two thirds of the cost of writing it) has nothing to do here.
    this.#lines = logger.child({}, { redact: [] });
    this.#latency = seriesOf(metrics.requests);
  }

  /** The request's id, for the log line and the X-Request-Id response header. */
  id(req: IncomingMessage): string {
    const incoming = req.headers['x-request-id'];
    return typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
  }

  end(id: string, method: string, route: string, path: string, status: number, started: bigint): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const label = methodLabel(method);
    this.#latency(`${route} ${label} ${status}`, { route, method: label, status: String(status) }).observe(seconds);
    const level = status < 400 && QUIET_ROUTES.has(route) ? 'debug' : 'info';
    this.#lines[level]({ reqId: id, method, route, path, status, ms: Math.round(seconds * 10000) / 10 }, 'request');
  }

  /** The request's line and latency, written by the first of these middleware the request meets (ours or oidc-provider's Koa). */
  middleware(): Middleware {
    return async (ctx, next) => {
      const req = ctx.req as Marked;
      if (req[LOGGED]) return next();
      req[LOGGED] = true;
      const started = process.hrtime.bigint();
      const id = this.id(req);
      ctx.res.setHeader('X-Request-Id', id);
      ctx.state.requestId = id;
      try {
        await next();
      } finally {
        // oidc-provider writes its responses itself: the status is the one on the wire.
        const status = ctx.respond === false ? ctx.res.statusCode : ctx.status;
        this.end(id, req.method ?? 'GET', routeOf(ctx), ctx.path, status, started);
      }
    };
  }
}
