/**
 * Upstream OpenID Connect through openid-client: discovery from the issuer (kept a while, with a timeout, so a slow
 * upstream gives our page rather than a hang), then authorization code with PKCE (S256), state and nonce. The ID
 * token is verified by openid-client (signature against the upstream's JWKS, iss, aud, exp, nonce; alg none refused).
 */
import * as client from 'openid-client';
import { mapClaims, mapGroups } from './identity-mapping.js';
import type { IdpRecord } from './idp-record.js';
import type { UpstreamProtocol } from './protocol.js';
import { UpstreamError, type UpstreamIdentity } from './upstream.js';

/** Seconds a request to the upstream may take (discovery, token, userinfo, JWKS). */
export const UPSTREAM_TIMEOUT_SECONDS = 5;
/** How long a discovery answer is reused: an upstream's key rotation is followed through its JWKS meanwhile. */
const DISCOVERY_TTL_MS = 10 * 60 * 1000;
const SUBJECT_MAX = 255;

/** Why an upstream request failed, for the audit: bounded, and never a token. */
const reasonOf = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 300);

export class OidcProtocol implements UpstreamProtocol {
  readonly #configs = new Map<string, { at: number; value: Promise<client.Configuration> }>();

  constructor(private readonly options: { timeoutSeconds?: number; now?: () => number } = {}) {}

  /** The upstream's configuration from its discovery document, kept for a while per IdP and its settings. */
  configuration(idp: IdpRecord): Promise<client.Configuration> {
    const oidc = idp.oidc;
    if (!oidc) return Promise.reject(new UpstreamError(`idp ${idp.name}: not an OpenID Connect IdP`, 'unavailable'));
    const key = JSON.stringify([idp.name, oidc.issuer, oidc.clientId, oidc.clientSecret, idp.updatedAt]);
    const now = (this.options.now ?? Date.now)();
    const cached = this.#configs.get(key);
    if (cached && now - cached.at < DISCOVERY_TTL_MS) return cached.value;
    for (const [k, v] of this.#configs) if (k.startsWith(JSON.stringify([idp.name]).slice(0, -1)) || now - v.at >= DISCOVERY_TTL_MS) this.#configs.delete(k);
    const timeout = this.options.timeoutSeconds ?? UPSTREAM_TIMEOUT_SECONDS;
    const issuer = new URL(oidc.issuer);
    const value = client
      .discovery(issuer, oidc.clientId, { client_secret: oidc.clientSecret }, client.ClientSecretBasic(oidc.clientSecret), {
        timeout,
        // The ID token's signature is checked against the upstream's JWKS even though it came over TLS from the token
        // endpoint (openid-client skips that by default, as OIDC Core allows): a key not in the JWKS is refused.
        // Plain http only for a loopback or test upstream the administrator named so; production issuers are https.
        execute: [client.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [])],
      })
      .then((config) => {
        config.timeout = timeout;
        return config;
      });
    this.#configs.set(key, { at: now, value });
    value.catch(() => this.#configs.delete(key));
    return value;
  }

  async start(idp: IdpRecord, input: { callbackUrl: string; pendingId: string; loginHint?: string; passive?: boolean }) {
    // Imported without its secret (an export without KEYS_ENCRYPTION_KEY): refused here, not at the token endpoint.
    if (idp.oidc && !idp.oidc.clientSecret) throw new UpstreamError(`idp ${idp.name}: no client secret is set (oidc-op idp update ${idp.name} --client-secret-stdin)`, 'unavailable');
    let config: client.Configuration;
    try {
      config = await this.configuration(idp);
    } catch (err) {
      throw new UpstreamError(`idp ${idp.name}: discovery failed (${reasonOf(err)})`, 'unavailable');
    }
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const params: Record<string, string> = {
      redirect_uri: input.callbackUrl,
      response_type: 'code',
      scope: idp.oidc!.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: input.pendingId,
      nonce,
    };
    if (input.loginHint) params.login_hint = input.loginHint;
    if (input.passive) params.prompt = 'none';
    return { redirectTo: client.buildAuthorizationUrl(config, params).href, keep: { verifier, nonce, state: input.pendingId } };
  }

  async finish(idp: IdpRecord, answer: URLSearchParams, kept: Record<string, string>, input: { callbackUrl: string }): Promise<UpstreamIdentity> {
    const error = answer.get('error');
    if (error) {
      const description = (answer.get('error_description') ?? '').slice(0, 200);
      throw new UpstreamError(`idp ${idp.name} answered ${error.slice(0, 64)}${description ? `: ${description}` : ''}`, 'denied', ['login_required', 'interaction_required', 'consent_required', 'account_selection_required'].includes(error) ? 'login_required' : 'access_denied');
    }
    let config: client.Configuration;
    try {
      config = await this.configuration(idp);
    } catch (err) {
      throw new UpstreamError(`idp ${idp.name}: discovery failed (${reasonOf(err)})`, 'unavailable');
    }
    const url = new URL(input.callbackUrl);
    url.search = answer.toString();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, url, { pkceCodeVerifier: kept.verifier!, expectedNonce: kept.nonce!, expectedState: kept.state!, idTokenExpected: true });
    } catch (err) {
      throw this.#refusal(idp, 'token', err);
    }
    const idToken = tokens.claims();
    if (!idToken || typeof idToken.sub !== 'string' || idToken.sub === '' || idToken.sub.length > SUBJECT_MAX) throw new UpstreamError(`idp ${idp.name}: ID token without a usable sub`, 'invalid_answer');
    let upstream: Record<string, unknown> = { ...idToken };
    if (idp.oidc!.useUserinfo) {
      try {
        // Checked against the ID token's sub (openid-client), so userinfo cannot speak of someone else.
        upstream = { ...upstream, ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)) };
      } catch (err) {
        throw this.#refusal(idp, 'userinfo', err);
      }
    }
    const amr = Array.isArray(idToken.amr) ? idToken.amr.filter((a): a is string => typeof a === 'string' && a.length <= 64).slice(0, 8) : undefined;
    return {
      idp: idp.name,
      subject: idToken.sub,
      claims: mapClaims(idp, upstream),
      groups: mapGroups(idp, upstream),
      ...(amr?.length ? { upstreamAmr: amr } : {}),
      ...(typeof idToken.acr === 'string' && idToken.acr.length <= 256 ? { upstreamAcr: idToken.acr } : {}),
    };
  }

  #refusal(idp: IdpRecord, step: string, err: unknown): UpstreamError {
    if (err instanceof UpstreamError) return err;
    // A network failure or a timeout is the upstream's outage; anything else is an answer we refuse.
    const outage = err instanceof TypeError || (err instanceof Error && ['AbortError', 'TimeoutError'].includes(err.name)) || (err instanceof Error && (err.cause as { code?: string } | undefined)?.code === 'OAUTH_TIMEOUT');
    if (err instanceof client.ResponseBodyError) return new UpstreamError(`idp ${idp.name}: ${step} refused (${err.error})`.slice(0, 300), 'invalid_answer');
    return new UpstreamError(`idp ${idp.name}: ${step}: ${reasonOf(err)}`, outage ? 'unavailable' : 'invalid_answer');
  }
}
