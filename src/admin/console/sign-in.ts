/**
 * The console signs its administrators in through the provider's own authorization endpoint (code + PKCE S256,
 * state, nonce) and exchanges the code with openid-client. The exchange goes to the token endpoint at the local
 * address and port the callback request itself arrived on: the server reaches itself without leaving the host,
 * so it works behind a proxy whose public address is not reachable from inside (no hairpin), with no setting.
 * The ID token is checked by openid-client (iss, aud, exp, nonce) and its signature against the keys in service.
 */
import * as oidc from 'openid-client';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import type { PrivateJwks } from '../../config/key-files.js';
import { CALLBACK_PATH, CONSOLE_CLIENT_ID } from './console-client.js';

/** What the browser carries (sealed) between the redirect to the provider and the callback. */
export interface SignInTransaction {
  state: string;
  nonce: string;
  verifier: string;
  /** The console page to land on afterwards. */
  returnTo: string;
}

export interface SignInDeps {
  issuer: string;
  /** The console client's secret now (derived from the cookie keys in force). */
  clientSecret: () => string;
  idTokenSigningAlg: string;
  /** The endpoint paths in force now (they are runtime settings). */
  paths: () => { authorization: string; token: string; endSession: string };
  /** The signing keys in service now. */
  jwks: () => PrivateJwks;
}

const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']);
const publicJwk = (jwk: Record<string, unknown>): JWK => Object.fromEntries(Object.entries(jwk).filter(([k]) => !PRIVATE_MEMBERS.has(k))) as JWK;

/** An http origin for a socket's local address (IPv4-mapped IPv6 read as IPv4). */
export function localOrigin(address: string, port: number): string {
  const host = address.replace(/^::ffff:/, '');
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function consoleSignIn(deps: SignInDeps) {
  const redirectUri = `${deps.issuer}${CALLBACK_PATH}`;
  const configuration = (tokenOrigin: string) => {
    const config = new oidc.Configuration(
      {
        issuer: deps.issuer,
        authorization_endpoint: `${deps.issuer}${deps.paths().authorization}`,
        token_endpoint: `${tokenOrigin}${deps.paths().token}`,
        authorization_response_iss_parameter_supported: true,
      },
      CONSOLE_CLIENT_ID,
      { client_secret: deps.clientSecret(), id_token_signed_response_alg: deps.idTokenSigningAlg },
      oidc.ClientSecretBasic(deps.clientSecret()),
    );
    if (tokenOrigin.startsWith('http:')) oidc.allowInsecureRequests(config);
    return config;
  };

  return {
    /** A new transaction and the authorization URL that starts it. */
    async start(returnTo: string): Promise<{ transaction: SignInTransaction; url: string }> {
      const transaction = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), returnTo };
      const url = oidc.buildAuthorizationUrl(configuration(deps.issuer), {
        redirect_uri: redirectUri,
        scope: 'openid',
        response_type: 'code',
        state: transaction.state,
        nonce: transaction.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(transaction.verifier),
        code_challenge_method: 'S256',
      });
      return { transaction, url: url.href };
    },

    /** Exchanges the code of a callback (its query string): the verified subject, and the access token (it names the provider session). */
    async finish(query: string, transaction: SignInTransaction, tokenOrigin: string): Promise<{ sub: string; accessToken: string }> {
      const tokens = await oidc.authorizationCodeGrant(configuration(tokenOrigin), new URL(`${redirectUri}?${query}`), {
        pkceCodeVerifier: transaction.verifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
      const keys = createLocalJWKSet({ keys: deps.jwks().keys.map((k) => publicJwk(k as Record<string, unknown>)) });
      const { payload } = await jwtVerify(tokens.id_token!, keys, { issuer: deps.issuer, audience: CONSOLE_CLIENT_ID });
      if (typeof payload.sub !== 'string' || payload.sub !== tokens.claims()?.sub) throw new Error('the ID token has no subject');
      return { sub: payload.sub, accessToken: tokens.access_token };
    },

    /** The provider's end-session URL that signs the browser out and comes back to `postLogout`. */
    endSessionUrl(postLogout: string): string {
      const query = new URLSearchParams({ client_id: CONSOLE_CLIENT_ID, post_logout_redirect_uri: postLogout });
      return `${deps.issuer}${deps.paths().endSession}?${query}`;
    },
  };
}

export type ConsoleSignIn = ReturnType<typeof consoleSignIn>;
