/**
 * The browser examples' tiny static server: their own files, one OpenID Connect library's dist file from
 * node_modules (no CDN), and /config.json naming the provider and the client. No inline script anywhere.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

export interface StaticSiteOptions {
  /** The folder whose files the site serves (index.html at /). */
  root: string;
  /** URL path → absolute file: the library's dist file from node_modules. */
  vendor: Record<string, string>;
  /** The provider's issuer URL. */
  authority: string;
  clientId: string;
  port: number;
  host?: string;
}

export interface RunningSite {
  server: Server;
  /** The site's origin with a trailing slash: the redirect URI the examples register. */
  url: string;
  close(): Promise<void>;
}

export async function serveStaticSite({ root, vendor, authority, clientId, port, host = '127.0.0.1' }: StaticSiteOptions): Promise<RunningSite> {
  const provider = new URL(authority).origin;
  const csp = `default-src 'self'; script-src 'self'; connect-src 'self' ${provider}; frame-src 'self' ${provider}; frame-ancestors 'self'`;
  const config = JSON.stringify({ authority, client_id: clientId });

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://site').pathname;
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(config);
      return;
    }
    const file = vendor[path] ?? join(root, normalize(path === '/' ? '/index.html' : path));
    if (!vendor[path] && !file.startsWith(root + sep)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${actual}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
