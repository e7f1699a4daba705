/**
 * The server's request listener. The prebuilt discovery and JWKS documents are answered here, before Koa: they
 * are the most requested and cheapest answers the provider gives (every relying party and resource server polls
 * them), and a Koa context with our middleware around it cost more than the answer itself. They keep what our
 * stack gives every response: the request id, the security headers, the log line and the latency metric.
 * The requests oidc-provider serves whole and most often (a GET of the authorization endpoint, every silent
 * sign-in; userinfo) go straight to oidc-provider's own Koa, which logs them and sets our headers itself
 * (provider/provider.ts, `outermost`): our Koa app in front would only pass them on, at the cost of a second
 * context. Everything else goes to our Koa app.
 */
import type { IncomingMessage, RequestListener } from 'node:http';
import type { ProviderSettings } from '../settings/provider-settings.js';
import type { PrebuiltDocuments } from './prebuilt-documents.js';
import { sendDocument } from './prebuilt-documents.js';
import type { RequestLog } from './request-log.js';
import { documentSecurityHeaders } from './security-headers.js';

/** Requests oidc-provider answers entirely, and its request listener. */
export interface FastLane {
  takes(req: IncomingMessage): boolean;
  listener: RequestListener;
}

export function requestListener(documents: PrebuiltDocuments, log: RequestLog, koa: RequestListener, provider: FastLane): RequestListener {
  return (req, res) => {
    const doc = req.method === 'GET' ? documents.built(req) : undefined;
    if (!doc) return provider.takes(req) ? provider.listener(req, res) : koa(req, res);
    const started = process.hrtime.bigint();
    const id = log.id(req);
    sendDocument(res, doc, req.headers.origin, ['X-Request-Id', id, ...documentSecurityHeaders(doc.secure)]);
    log.end(id, 'GET', `oidc:${doc.route}`, req.url!, 200, started);
  };
}

const pathOf = (url: string | undefined = '') => {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
};

/**
 * The fast lane: a GET of the authorization endpoint (a POST is turned into a GET by http/post-as-get.ts, in our
 * app) and any request to userinfo, at the paths in force now.
 */
export function providerFastLane(settings: () => Pick<ProviderSettings, 'paths.authorization' | 'paths.userinfo'>, listener: RequestListener): FastLane {
  return {
    takes(req) {
      const path = pathOf(req.url);
      const paths = settings();
      return path === paths['paths.userinfo'] || (path === paths['paths.authorization'] && req.method === 'GET');
    },
    listener,
  };
}
