/**
 * Discovery and the JWKS change only when oidc-provider is rebuilt (keys, paths, scopes) or the implicit switch
 * flips, yet oidc-provider builds them anew on every request, behind our whole middleware stack and a second Koa
 * context. Here each is built once per provider instance, by oidc-provider itself (its middleware run without
 * responding), and served as bytes from the front of the stack, with the CORS headers oidc-provider sends.
 */
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { ROUTE } from './request-log.js';

/** Koa 3's documented composition hook, not in its type definitions yet. */
type Composing = Provider & { compose(middleware: unknown[]): (ctx: unknown) => Promise<void> };

interface Document {
  body: Buffer;
  type: string;
  cacheControl: string | undefined;
}

const DISCOVERY = '/.well-known/openid-configuration';

export function prebuiltDocuments(provider: { readonly current: Provider }, jwksPath: () => string, implicitEnabled: () => boolean): Middleware {
  let builtFor: Provider | undefined;
  let documents = new Map<string, Document>();

  async function build(ctx: Parameters<Middleware>[0]): Promise<Document | undefined> {
    const current = provider.current as Composing;
    const inner = current.createContext(ctx.req, ctx.res);
    await current.compose(current.middleware)(inner);
    if (inner.status !== 200 || typeof inner.body !== 'object' || inner.body === null || Buffer.isBuffer(inner.body)) return undefined;
    return { body: Buffer.from(JSON.stringify(inner.body)), type: inner.response.get('content-type'), cacheControl: inner.response.get('cache-control') || undefined };
  }

  return async (ctx, next) => {
    if (ctx.method !== 'GET' || (ctx.path !== DISCOVERY && ctx.path !== jwksPath())) return next();
    if (builtFor !== provider.current) {
      builtFor = provider.current;
      documents = new Map();
    }
    const key = `${ctx.path} ${implicitEnabled()}`;
    let doc = documents.get(key);
    if (!doc) {
      doc = await build(ctx);
      if (!doc) return next();
      if (builtFor === provider.current) documents.set(key, doc);
    }
    // Straight onto the response: nothing upstream sets these, and Koa's type setter would look the type up again.
    (ctx as { [ROUTE]?: string })[ROUTE] = ctx.path === DISCOVERY ? 'discovery' : 'jwks';
    const res = ctx.res;
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Origin', ctx.get('Origin') || '*');
    if (doc.cacheControl) res.setHeader('Cache-Control', doc.cacheControl);
    res.setHeader('Content-Type', doc.type);
    ctx.body = doc.body;
  };
}
