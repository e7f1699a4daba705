/**
 * A plain oidc-provider (not our code) as an upstream identity provider for tests: one confidential client whose
 * redirect_uri is our callback, a few users with claims and groups, and the smallest login page that makes a
 * session (a POST naming the user, or a refusal). Claims go into the ID token, as many corporate IdPs send them.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';
import { freePort } from './ports.js';

export interface UpstreamUser {
  sub: string;
  claims: Record<string, unknown>;
}

export const UPSTREAM_USERS: Record<string, UpstreamUser> = {
  carol: { sub: 'upstream-carol-0001', claims: { email: 'carol@corp.example', email_verified: true, name: 'Carol Upstream', preferred_username: 'carol', groups: ['engineering', 'vpn-users'], department: 'R&D' } },
  dave: { sub: 'upstream-dave-0002', claims: { email: 'dave@corp.example', email_verified: false, name: 'Dave Unverified', groups: [] } },
};

export interface UpstreamOidc {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

/**
 * `host`: the name the upstream is reached by (it listens on 127.0.0.1 either way); `localhost` puts it on another
 * site than a provider at 127.0.0.1, as a corporate IdP is.
 */
export async function startUpstreamOidc(redirectUris: string[], users: Record<string, UpstreamUser> = UPSTREAM_USERS, host: '127.0.0.1' | 'localhost' = '127.0.0.1'): Promise<UpstreamOidc> {
  const port = await freePort();
  const issuer = `http://${host}:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientId = 'our-broker';
  const clientSecret = 'upstream-client-secret-0123456789abcdef';
  const bySub = new Map(Object.values(users).map((u) => [u.sub, u]));
  const configuration: Configuration = {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris, grant_types: ['authorization_code'], response_types: ['code'] }],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'upstream', alg: 'RS256', use: 'sig' }] } as Configuration['jwks'],
    cookies: { keys: ['upstream-cookie-key-0123456789abcdef'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'], groups: ['groups'], department: ['department'] },
    scopes: ['openid', 'email', 'profile', 'groups', 'department'],
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
    findAccount: async (_ctx, sub) => {
      const user = bySub.get(sub);
      return user ? { accountId: sub, claims: () => ({ ...user.claims, sub }) } : undefined;
    },
    // Every scope the client asks for is granted: the test is about the broker, not this provider's consent.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope(String(ctx.oidc.params!.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  const server: Server = createServer(async (req, res) => {
    const match = req.url?.match(/^\/interaction\/([\w-]+)(?:\/(login|abort))?$/);
    if (!match) return void callback(req, res);
    try {
      const [, uid, step] = match;
      await provider.interactionDetails(req, res);
      if (!step) {
        res.setHeader('content-type', 'text/html');
        res.end(`<!doctype html><form method="post" action="/interaction/${uid}/login"><input name="username"/><button>sign in</button></form><form method="post" action="/interaction/${uid}/abort"><button>no</button></form>`);
        return;
      }
      const fields = await form(req);
      const result = step === 'abort' ? { error: 'access_denied', error_description: 'the user said no' } : { login: { accountId: users[fields.get('username') ?? '']?.sub ?? 'nobody' } };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
