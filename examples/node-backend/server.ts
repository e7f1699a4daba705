/**
 * A backend API for the browser examples: POST /session verifies an ID token (jose), GET /profile checks the bearer
 * access token at userinfo (openid-client).
 * `npx tsx examples/node-backend/server.ts --issuer http://localhost:3000 --client-id ID --port 4100`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { idTokenVerifier } from './id-token.js';
import { userinfoClient } from './userinfo.js';

export interface RunningBackend {
  server: Server;
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_BODY) throw new Error('body too large');
  }
  return body;
}

async function readJson(req: IncomingMessage): Promise<{ id_token?: unknown; nonce?: string }> {
  try {
    const body = JSON.parse(await readBody(req)) as unknown;
    return typeof body === 'object' && body !== null ? body : {};
  } catch {
    return {};
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}

export async function serveBackend({ issuer, clientId, port, host = '127.0.0.1' }: { issuer: string; clientId: string; port: number; host?: string }): Promise<RunningBackend> {
  const verifyIdToken = await idTokenVerifier(issuer, clientId);
  const userinfo = await userinfoClient(issuer, clientId);

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://backend').pathname;
    try {
      if (req.method === 'POST' && path === '/session') {
        // #region session
        const { id_token: idToken, nonce } = await readJson(req);
        if (typeof idToken !== 'string') return send(res, 400, { error: 'invalid_request', message: 'id_token missing' });
        try {
          const claims = await verifyIdToken(idToken, nonce);
          return send(res, 200, { sub: claims.sub });
        } catch (err) {
          // jose says why: ERR_JWS_SIGNATURE_VERIFICATION_FAILED, ERR_JWT_EXPIRED, ERR_JWT_CLAIM_VALIDATION_FAILED (iss, aud)…
          return send(res, 401, { error: (err as { code?: string }).code ?? 'invalid_id_token', message: (err as Error).message });
        }
        // #endregion session
      }
      if (req.method === 'GET' && path === '/profile') {
        // #region profile
        const accessToken = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(req.headers.authorization ?? '')?.[1];
        if (!accessToken) return send(res, 401, { error: 'invalid_request' }, { 'www-authenticate': 'Bearer' });
        try {
          return send(res, 200, await userinfo(accessToken));
        } catch (err) {
          // The provider's refusal: invalid_token (expired, revoked or unknown), with its WWW-Authenticate challenge.
          if (err instanceof Error && 'code' in err && err.code === 'OAUTH_WWW_AUTHENTICATE_CHALLENGE') {
            return send(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
          }
          throw err;
        }
        // #endregion profile
      }
      send(res, 404, { error: 'not_found' });
    } catch {
      send(res, 503, { error: 'temporarily_unavailable', message: 'the provider could not be asked' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${actual}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { issuer: { type: 'string' }, 'client-id': { type: 'string' }, port: { type: 'string', default: '4100' } } });
  if (!values.issuer || !values['client-id']) throw new Error('usage: server.ts --issuer ISSUER --client-id ID [--port 4100]');
  const backend = await serveBackend({ issuer: values.issuer, clientId: values['client-id'], port: Number(values.port) });
  process.stdout.write(`backend ${backend.url}\n`);
}
