/**
 * /assets/client-logo/:clientId: the client's registered logo_uri, fetched by the server and served from our
 * origin, so the consent page loads nothing from another origin (and tells no third party who is signing in).
 * Raster images only (an SVG from our origin could carry script), at most 256 KiB, cached; when there is no
 * logo or it cannot be had, an avatar with the client's initial in the brand colour. Every logo, whoever
 * registered the client, is fetched only from public addresses (http/public-fetch.ts): anyone can make the server
 * fetch it by asking for this path, so an administrator's typo or a self-registered client must not point it
 * inside our network. Development also allows loopback (and plain http).
 */
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { fetchPublic } from './public-fetch.js';

const PREFIX = '/assets/client-logo/';
const MAX_BYTES = 256 * 1024;
const TIMEOUT_MS = 3000;
const CACHE_MS = 3600 * 1000;
const RASTER = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

interface Image {
  body: Buffer;
  type: string;
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A malformed escape (%zz, a broken UTF-8 sequence) names no client: a 404, not a server error. */
function decodedOrUndefined(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export function initialAvatar(name: string, color: string): Image {
  const initial = escapeXml([...name.trim()][0]?.toLocaleUpperCase() ?? '?');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48"><rect width="48" height="48" rx="12" fill="${color}"/><text x="24" y="32" text-anchor="middle" font-family="system-ui,sans-serif" font-size="24" font-weight="700" fill="#fff">${initial}</text></svg>`;
  return { body: Buffer.from(svg), type: 'image/svg+xml' };
}

/** The logo when it can be had (unreachable, refused, too slow, redirected, not a raster image: the avatar stands in). */
async function fetchLogo(uri: string, development: boolean): Promise<Image | undefined> {
  const fetched = await fetchPublic(uri, { allowLoopback: development, timeoutMs: TIMEOUT_MS, maxBytes: MAX_BYTES });
  return fetched && RASTER.has(fetched.contentType) ? { body: fetched.body, type: fetched.contentType } : undefined;
}

export function clientLogos(provider: { readonly current: Provider }, primaryColor: string, development: boolean): Middleware {
  const cache = new Map<string, { image: Image | undefined; expires: number }>();
  const logoFor = async (uri: string) => {
    const cached = cache.get(uri);
    if (cached && cached.expires > Date.now()) return cached.image;
    const image = await fetchLogo(uri, development);
    if (cache.size >= 1000) cache.delete(cache.keys().next().value!);
    cache.set(uri, { image, expires: Date.now() + CACHE_MS });
    return image;
  };

  return async (ctx, next) => {
    if (ctx.method !== 'GET' || !ctx.path.startsWith(PREFIX)) return next();
    const id = decodedOrUndefined(ctx.path.slice(PREFIX.length));
    const client = id === undefined ? undefined : await provider.current.Client.find(id);
    if (!client) return next();
    const uri = client.logoUri;
    const fetchable = !!uri && (uri.startsWith('https://') || (development && uri.startsWith('http://')));
    const image = (fetchable && (await logoFor(uri))) || initialAvatar(client.clientName ?? client.clientId, primaryColor);
    ctx.type = image.type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = image.body;
  };
}
