/**
 * Koa's `ctx.protocol`, `ctx.host` and `ctx.origin` for a request answered before Koa (http/front-door.ts): TLS
 * here, or X-Forwarded-Proto and X-Forwarded-Host from a trusted proxy. Undefined where Koa's rules go further
 * (no host, a host with userinfo, HTTP/2's :authority): such a request goes on to Koa.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface RequestOrigin {
  secure: boolean;
  origin: string;
}

const first = (value: string | string[] | undefined) => (typeof value === 'string' ? value.split(',', 1)[0]!.trim() : undefined);

export function requestOrigin(req: IncomingMessage, trustProxy: boolean): RequestOrigin | undefined {
  if (req.httpVersionMajor >= 2) return undefined;
  const protocol = (req.socket as TLSSocket).encrypted ? 'https' : (trustProxy && first(req.headers['x-forwarded-proto'])?.toLowerCase()) || 'http';
  const host = (trustProxy && first(req.headers['x-forwarded-host'])) || first(req.headers.host);
  if (!host || host.includes('@')) return undefined;
  return { secure: protocol === 'https', origin: `${protocol}://${host}` };
}
