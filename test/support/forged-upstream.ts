/**
 * A tiny fake upstream OpenID Connect provider for forgery cases only: its discovery, JWKS and authorization
 * endpoint are ordinary, and its token endpoint answers with an ID token crafted with jose as the test asks (wrong
 * iss, aud or nonce, alg none, a key not in the JWKS, expired). The honest case proves the fake is faithful.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { SignJWT, exportJWK, UnsecuredJWT } from 'jose';
import { freePort } from './ports.js';

export const FORGERIES = ['honest', 'wrong-iss', 'wrong-aud', 'wrong-nonce', 'alg-none', 'foreign-key', 'expired'] as const;
export type Forgery = (typeof FORGERIES)[number];

export interface ForgedUpstream {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the next token answer is. */
  mode: Forgery;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

export async function startForgedUpstream(): Promise<ForgedUpstream> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const published = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(published.publicKey)), kid: 'published', alg: 'RS256', use: 'sig' };
  const nonces = new Map<string, string>();
  const state: ForgedUpstream = {
    issuer,
    clientId: 'forged-client',
    clientSecret: 'forged-client-secret-0123456789',
    mode: 'honest',
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const sign = (claims: Record<string, unknown>, key: KeyObject, kid: string) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key);

  async function idToken(nonce: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: issuer, aud: state.clientId, sub: 'forged-subject', nonce, iat: now, exp: now + 300, email: 'mallory@forged.example', email_verified: true };
    switch (state.mode) {
      case 'honest':
        return sign(claims, published.privateKey, 'published');
      case 'wrong-iss':
        return sign({ ...claims, iss: 'https://someone-else.example' }, published.privateKey, 'published');
      case 'wrong-aud':
        return sign({ ...claims, aud: 'another-client' }, published.privateKey, 'published');
      case 'wrong-nonce':
        return sign({ ...claims, nonce: 'not-the-nonce' }, published.privateKey, 'published');
      case 'alg-none':
        return new UnsecuredJWT(claims).encode();
      case 'foreign-key':
        return sign(claims, foreign.privateKey, 'published');
      case 'expired':
        return sign({ ...claims, iat: now - 7200, exp: now - 3600 }, published.privateKey, 'published');
    }
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, value: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(value));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const code = `code-${nonces.size + 1}`;
      nonces.set(code, url.searchParams.get('nonce') ?? '');
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.statusCode = 302;
      res.setHeader('location', back.href);
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = await body(req);
      const nonce = nonces.get(form.get('code') ?? '');
      if (nonce === undefined) return json(400, { error: 'invalid_grant' });
      return json(200, { access_token: 'forged-access-token', token_type: 'Bearer', expires_in: 300, id_token: await idToken(nonce) });
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return state;
}
