/**
 * The server's request listener. The prebuilt discovery and JWKS documents are answered here, before Koa: they
 * are the most requested and cheapest answers the provider gives (every relying party and resource server polls
 * them), and a Koa context with our middleware around it cost more than the answer itself. They keep what our
 * stack gives every response: the request id, the security headers, the log line and the latency metric.
 * Everything else, and a document not built yet for the provider in service, goes to Koa.
 */
import type { RequestListener } from 'node:http';
import type { PrebuiltDocuments } from './prebuilt-documents.js';
import { sendDocument } from './prebuilt-documents.js';
import type { RequestLog } from './request-log.js';
import { documentSecurityHeaders } from './security-headers.js';

export function frontDoor(documents: PrebuiltDocuments, log: RequestLog, koa: RequestListener): RequestListener {
  return (req, res) => {
    const doc = req.method === 'GET' ? documents.built(req) : undefined;
    if (!doc) return koa(req, res);
    const started = process.hrtime.bigint();
    const id = log.id(req);
    sendDocument(res, doc, req.headers.origin, ['X-Request-Id', id, ...documentSecurityHeaders(doc.secure)]);
    log.end(id, 'GET', `oidc:${doc.route}`, req.url!, 200, started);
  };
}
