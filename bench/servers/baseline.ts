/**
 * The baseline: plain oidc-provider 9 on its default in-memory adapter, with the same client, user, claims,
 * signing algorithm and argon2id login as ours, and the smallest login and consent pages that make a session
 * the way a person does. Nothing of ours is imported but the shared fixture.
 * Env: PORT, ALG (RS256 | ES256 | EdDSA), ARGON2_MEMORY_KIB, ARGON2_TIME_COST.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import argon2 from 'argon2';
import Provider, { type ClientMetadata, type Configuration } from 'oidc-provider';
import { CLIENT, USERS } from '../fixture.js';

const port = Number(process.env.PORT);
const alg = process.env.ALG ?? 'RS256';
const argon = { type: argon2.argon2id as 2, memoryCost: Number(process.env.ARGON2_MEMORY_KIB ?? 7 * 1024), timeCost: Number(process.env.ARGON2_TIME_COST ?? 5), parallelism: 1 };

const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
const jwk = { ...pair.privateKey.export({ format: 'jwk' }), kid: 'bench', alg, use: 'sig' };
const users = new Map(await Promise.all(USERS.map(async (user) => [user.username, { ...user, passwordHash: await argon2.hash(user.password, argon) }] as const)));
const bySub = new Map([...users.values()].map((user) => [user.sub, user]));

const configuration: Configuration = {
  clients: [{ ...CLIENT, grant_types: ['implicit'], token_endpoint_auth_method: 'none', id_token_signed_response_alg: alg } as ClientMetadata],
  responseTypes: ['id_token', 'id_token token'],
  jwks: { keys: [jwk] } as Configuration['jwks'],
  cookies: { keys: ['bench-cookie-key-bench-cookie-key-0123'], long: { signed: true }, short: { signed: true } },
  claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
  features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
  enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256', 'EdDSA'] },
  findAccount: async (_ctx, sub) => {
    const user = bySub.get(sub);
    return user ? { accountId: sub, claims: () => ({ ...user.claims, sub }) } : undefined;
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
};
const provider = new Provider(`http://127.0.0.1:${port}`, configuration);
const providerCallback = provider.callback();

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const page = (action: string, fields: string) =>
  `<!doctype html><form method="post" action="${action}"><input type="hidden" name="csrf" value="-"/>${fields}<button>go</button></form>`;

createServer(async (req, res) => {
  const match = req.url?.match(/^\/interaction\/([\w-]+)(?:\/(login|confirm))?$/);
  if (!match) return void providerCallback(req, res);
  try {
    const [, uid, step] = match;
    const details = await provider.interactionDetails(req, res);
    if (!step) {
      const login = details.prompt.name === 'login';
      res.setHeader('content-type', 'text/html');
      res.end(page(`/interaction/${uid}/${login ? 'login' : 'confirm'}`, login ? '<input name="username"/><input name="password" type="password"/>' : ''));
      return;
    }
    if (step === 'login') {
      const fields = await form(req);
      const user = users.get(fields.get('username') ?? '');
      const ok = user !== undefined && (await argon2.verify(user.passwordHash, fields.get('password') ?? ''));
      if (!ok) {
        res.statusCode = 401;
        res.end('bad credentials');
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err));
  }
}).listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
// A clean exit on the harness's SIGTERM, so `--profile` gets this process's CPU profile too.
process.once('SIGTERM', () => process.exit(0));
