/**
 * Serves the example single-page app on its own origin: the static files, the oidc-client library from
 * node_modules, and /config.json telling it which provider and client to use.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), 'public');
const LIBRARY = join(dirname(createRequire(import.meta.url).resolve('oidc-client/package.json')), 'dist', 'oidc-client.min.js');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

export interface SpaOptions {
  /** The provider's issuer URL. */
  authority: string;
  clientId: string;
  port: number;
  host?: string;
}

export interface RunningSpa {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function serveSpa({ authority, clientId, port, host = '127.0.0.1' }: SpaOptions): Promise<RunningSpa> {
  const providerOrigin = new URL(authority).origin;
  const csp = [
    "default-src 'self'",
    `connect-src 'self' ${providerOrigin}`,
    `frame-src 'self' ${providerOrigin}`,
    "img-src 'self' data:",
    "frame-ancestors 'self'",
  ].join('; ');
  const config = JSON.stringify({ authority, client_id: clientId });

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://spa').pathname;
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    try {
      if (path === '/config.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(config);
        return;
      }
      const file = path === '/vendor/oidc-client.min.js' ? LIBRARY : join(PUBLIC, normalize(path === '/' ? '/index.html' : path));
      if (!file.startsWith(PUBLIC) && file !== LIBRARY) throw new Error('outside');
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
  const shownHost = host === '0.0.0.0' ? 'localhost' : host;
  return {
    server,
    url: `http://${shownHost}:${actual}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a demo server: nothing in flight worth waiting for
      }),
  };
}
