/**
 * Discovery and the JWKS change only when oidc-provider is rebuilt (keys, paths, scopes) or the implicit switch
 * flips, yet oidc-provider builds them anew on every request, behind our whole middleware stack and a second Koa
 * context. Here each is built once per provider instance and origin (behind a proxy oidc-provider names its
 * endpoints after the host the request came to), by oidc-provider itself (its middleware run without responding), and kept as bytes
 * with the headers oidc-provider sends. The first request after a rebuild builds
 * it through Koa (the middleware below); every later one is answered in front of Koa (http/request-listener.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { ROUTE } from './request-log.js';
import { documentSecurityHeaders } from './security-headers.js';

/** Koa 3's documented composition hook, not in its type definitions yet. */
type Composing = Provider & { compose(middleware: unknown[]): (ctx: unknown) => Promise<void> };

export interface PrebuiltDocument {
  /** oidc-provider's name for the route, for the request log. */
  route: 'discovery' | 'jwks';
  body: Buffer;
  /** Its headers but the CORS origin, as Node's raw header list (name, value, name, value…). */
  headers: readonly string[];
  /** Whether Koa saw the request it was built for as HTTPS (HSTS). */
  secure: boolean;
}

const DISCOVERY = '/.well-known/openid-configuration';
/** Documents kept per provider instance: the Host header is the client's to choose, so what it makes is bounded. */
const MAX_KEPT = 32;

/**
 * What Koa reads to find the protocol and host a request came to (and so the endpoints oidc-provider names): the
 * raw headers, not a reading of them, so requests alike in these share a document built by Koa itself. Without a
 * trusted proxy every request is seen at the issuer's origin (provider/issuer-origin.ts): the Host plays no part.
 */
function originInputs(req: IncomingMessage, trustProxy: boolean): string {
  const { headers } = req;
  const tls = (req.socket as TLSSocket).encrypted ? 'tls' : '';
  return trustProxy ? `${tls} ${headers.host} ${headers['x-forwarded-proto']} ${headers['x-forwarded-host']}` : tls;
}

/** The document's response, straight onto Node's (`before`: headers of ours not set on `res` yet). */
export function sendDocument(res: ServerResponse, doc: PrebuiltDocument, origin: string | undefined, before: readonly string[] = []): void {
  res.writeHead(200, [...before, ...doc.headers, 'Access-Control-Allow-Origin', origin || '*']);
  res.end(doc.body);
}

export class PrebuiltDocuments {
  #builtFor: Provider | undefined;
  #documents = new Map<string, PrebuiltDocument>();

  constructor(
    private readonly provider: { readonly current: Provider },
    private readonly jwksPath: () => string,
    private readonly implicitEnabled: () => boolean,
    private readonly trustProxy: boolean,
  ) {}

  #route(path: string): PrebuiltDocument['route'] | undefined {
    return path === DISCOVERY ? 'discovery' : path === this.jwksPath() ? 'jwks' : undefined;
  }

  #key = (req: IncomingMessage, path: string) => `${path} ${this.implicitEnabled()} ${originInputs(req, this.trustProxy)}`;

  /** The document a GET of this exact URL (no query) asks for, if one is built for the provider in service and this origin. */
  built(req: IncomingMessage): PrebuiltDocument | undefined {
    const path = req.url ?? '';
    if (!this.#route(path) || this.#builtFor !== this.provider.current) return undefined;
    return this.#documents.get(this.#key(req, path));
  }

  async #build(ctx: Parameters<Middleware>[0], route: PrebuiltDocument['route']): Promise<PrebuiltDocument | undefined> {
    const current = this.provider.current as Composing;
    const inner = current.createContext(ctx.req, ctx.res);
    await current.compose(current.middleware)(inner);
    if (inner.status !== 200 || typeof inner.body !== 'object' || inner.body === null || Buffer.isBuffer(inner.body)) return undefined;
    const body = Buffer.from(JSON.stringify(inner.body));
    const cacheControl = inner.response.get('cache-control');
    const headers = ['Vary', 'Origin', ...(cacheControl ? ['Cache-Control', cacheControl] : []), 'Content-Type', inner.response.get('content-type'), 'Content-Length', String(body.length)];
    return { route, body, headers, secure: ctx.secure };
  }

  /** Builds a document on its first request after a rebuild (and serves one asked for with a query string). */
  middleware(): Middleware {
    return async (ctx, next) => {
      const route = ctx.method === 'GET' ? this.#route(ctx.path) : undefined;
      if (!route) return next();
      if (this.#builtFor !== this.provider.current) {
        this.#builtFor = this.provider.current;
        this.#documents = new Map();
      }
      const key = this.#key(ctx.req, ctx.path);
      let doc = this.#documents.get(key);
      if (!doc) {
        const builtFor = this.provider.current;
        doc = await this.#build(ctx, route);
        if (!doc) return next();
        if (builtFor === this.#builtFor && this.#documents.size < MAX_KEPT) this.#documents.set(key, doc);
      }
      (ctx as { [ROUTE]?: string })[ROUTE] = route;
      ctx.respond = false;
      sendDocument(ctx.res, doc, ctx.get('Origin'), documentSecurityHeaders(doc.secure));
    };
  }
}
