/**
 * Settings → oidc-provider Configuration. Pure: everything with side effects (storage, accounts, pages)
 * arrives as a dependency, so the policy here is tested without a server.
 */
import { ACR_VALUES, SIGN_IN_CLAIMS } from '../oidc/acr.js';
import { UI_LOCALES } from '../oidc/ui-locales.js';
import { errors, type Adapter, type Configuration, type ErrorOut, type FindAccount, type KoaContextWithOIDC } from 'oidc-provider';
import type { ProviderSettings } from '../settings/provider-settings.js';
import type { PrivateJwks } from '../config/key-files.js';
import type { ScopeConfig } from '../config/scope-schema.js';
import type { Settings } from '../config/settings.js';
import { claimsConfiguration } from './claims.js';
import { keepAllowedClaims, releasedToClient } from './claims-release.js';
import { clientBasedCors } from './client-cors.js';
import { STANDARD_SCOPES } from '../oidc/claims.js';
import { CLIENT_CLAIM_SETTINGS, CLIENT_FLAGS, CLIENT_LIFETIMES, clientLifetime, clientSettingProblem } from './client-settings.js';
import { cookieSigner } from '../keys/cookie-signer.js';
import { signingKeys, type SigningPlacement } from '../keys/local-signing-key.js';
import { signingAlgsOf } from '../keys/signing-algs.js';
import { interactionPrompts, type UpstreamHint } from './interaction-policy.js';
import type { ProviderLimits } from './limits.js';
import { loadExistingGrant, type ConsentGrants } from './grants.js';
import { registrationFeatures } from './registration.js';
import { revocationAllowed } from './revocation-policy.js';
import { staticClient } from './static-clients.js';
import type { FrontchannelFrame } from './frontchannel-logout.js';
import { LOGOUT_CLIENT_METADATA, logoutMetadataProblem } from './logout-metadata.js';

export interface Pages {
  error(ctx: KoaContextWithOIDC, out: ErrorOut, error: Error): Promise<void>;
  logout(ctx: KoaContextWithOIDC, form: string): Promise<void>;
  loggedOut(ctx: KoaContextWithOIDC): Promise<void>;
  /** Front-channel logout: the ended session's clients' iframes, then on to `next` (provider/frontchannel-logout.ts). */
  frontchannelLogout?(ctx: KoaContextWithOIDC, frames: FrontchannelFrame[], next: string): Promise<void>;
}

export interface ProviderDeps {
  /** The scopes in force when this instance is built (config/scopes.json and the administrator's). */
  scopes: readonly ScopeConfig[];
  /** The runtime settings as this instance knows them now (read on every use, never from Redis). */
  runtime: () => ProviderSettings;
  /** undefined: oidc-provider's in-memory adapter (the embedded default). */
  adapter: ((model: string) => Adapter) | undefined;
  findAccount: FindAccount;
  /**
   * The ids of the grants an account's index holds for a client, newest first (storage/account-grants.ts): how a
   * consent is found in a browser that has not seen it. undefined: consents are kept per session (in-memory store).
   */
  consentGrants?: ConsentGrants;
  jwks: PrivateJwks;
  /** How many processes of ours share how many cores: where signatures are made (keys/local-signing-key.ts). */
  signing: SigningPlacement;
  cookieKeys: string[];
  pages: Pages;
  /** Limits on what creates records; undefined: none (a configuration built without stores, in unit tests). */
  limits?: ProviderLimits;
  /** Whether an upstream IdP takes a request's idp_hint or login_hint: a prompt=none request is then asked of it silently. */
  upstreamHint?: UpstreamHint;
  /** Back-channel logout: told of each client to notify when a sign-out ends a session (delivery is not awaited). */
  backchannelLogout?: (notice: { clientId: string; accountId: string; sid: string; reason: string }) => void;
}

/** Where oidc-provider sends a browser for an interaction: the pages of interactions/ answer there. */
export const interactionPath = (uid: string) => `/interaction/${uid}`;

export function buildConfiguration(settings: Settings, deps: ProviderDeps): Configuration {
  const clients = [...settings.clients, ...(settings.demo?.clients ?? [])].map(staticClient);
  const cookie = { httpOnly: true, sameSite: 'lax' as const, signed: true };
  const claimsByScope = claimsConfiguration(deps.scopes);
  // Only algorithms with a key in service: oidc-provider then refuses a client asking for another, and discovery
  // lists exactly these.
  const signingAlgs = signingAlgsOf(deps.jwks);
  return {
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
    clients,
    clientDefaults: {
      grant_types: ['implicit'],
      response_types: ['id_token'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: settings.idTokenSigningAlg,
      require_auth_time: true,
    },
    responseTypes: ['id_token', 'id_token token', 'code'],
    routes: {
      authorization: deps.runtime()['paths.authorization'],
      token: deps.runtime()['paths.token'],
      userinfo: deps.runtime()['paths.userinfo'],
      jwks: deps.runtime()['paths.jwks'],
      end_session: deps.runtime()['paths.end_session'],
      revocation: deps.runtime()['paths.revocation'],
    },
    scopes: [...new Set([...STANDARD_SCOPES, ...deps.scopes.map((s) => s.id)])],
    // acr and amr come from the session, never from the account: every ID token says how its user signed in.
    claims: { ...claimsByScope, openid: [...(claimsByScope.openid ?? ['sub']), ...SIGN_IN_CLAIMS] },
    conformIdTokenClaims: true,
    acrValues: [...ACR_VALUES],
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    enabledJWA: {
      idTokenSigningAlgValues: signingAlgs,
      userinfoSigningAlgValues: signingAlgs,
    },
    // OIDC Core 3.1.2.1 requires redirect_uri. oidc-provider's default fills in a client's only one, and on the
    // resume endpoint (no interaction cookie, a client_id in the query) that recovery crashes into a 500.
    allowOmittingSingleRegisteredRedirectUri: false,
    // Authorization code clients must use PKCE (S256), public or confidential.
    pkce: { required: () => true },
    findAccount: releasedToClient(deps.findAccount, claimsByScope, () => deps.runtime()['claims.groups_max'] ?? 100),
    jwks: signingKeys(deps.jwks, deps.signing),
    cookies: {
      keys: cookieSigner(deps.cookieKeys),
      long: cookie,
      short: cookie,
    },
    ttl: {
      AccessToken: (_ctx, _token, client) => clientLifetime(client, 'access_token_ttl') ?? deps.runtime()['ttl.access_token'],
      IdToken: (_ctx, _token, client) => clientLifetime(client, 'id_token_ttl') ?? deps.runtime()['ttl.id_token'],
      AuthorizationCode: settings.ttl.authorizationCode,
      Interaction: settings.ttl.interaction,
      Session: () => deps.runtime()['ttl.session'],
      Grant: settings.ttl.grant,
      RegistrationAccessToken: settings.ttl.registrationAccessToken,
    },
    interactions: {
      policy: interactionPrompts(() => deps.runtime()['mfa.required'], deps.upstreamHint),
      url: (_ctx, interaction) => interactionPath(interaction.uid),
    },
    features: {
      devInteractions: { enabled: false },
      // Our own keys signed through node:crypto (keys/local-signing-key.ts). The acknowledgement names the
      // experimental version this was built against: a newer oidc-provider refuses to start until it is reviewed.
      externalSigningSupport: { enabled: true, ack: 'experimental-01' },
      userinfo: { enabled: true },
      claimsParameter: { enabled: true, assertClaimsParameter: keepAllowedClaims(claimsByScope) },
      // Unsigned (or any) request objects are refused with request_not_supported rather than half-honoured.
      requestObjects: { enabled: false },
      revocation: { enabled: true, allowedPolicy: revocationAllowed },
      ...registrationFeatures(deps.runtime(), deps.limits),
      // The logout token is signed and delivered by our queue (logout/), not oidc-provider's single attempt.
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => deps.pages.logout(ctx, form),
        postLogoutSuccessSource: (ctx) => deps.pages.loggedOut(ctx),
      },
    },
    // Validators run inside the authorization stack after the redirect_uri is verified, so what they throw
    // reaches the client in the fragment. `state` is a standard parameter, listed here for its check only.
    extraParams: {
      skip_confirm: null,
      // The upstream identity provider a client names to skip our login page (interactions/federation.ts).
      idp_hint: null,
      state(ctx: KoaContextWithOIDC, value: unknown) {
        if (ctx.oidc.route === 'authorization' && deps.runtime()['state.required'] && (typeof value !== 'string' || value === '')) {
          throw new errors.InvalidRequest("missing required parameter 'state' (this provider requires it)");
        }
      },
    },
    extraClientMetadata: {
      properties: [...CLIENT_FLAGS, ...CLIENT_LIFETIMES, ...CLIENT_CLAIM_SETTINGS, ...LOGOUT_CLIENT_METADATA],
      validator(_ctx, key, value, metadata) {
        const problem = clientSettingProblem(key, value) ?? logoutMetadataProblem(key, value, metadata, { production: settings.production });
        if (problem) throw new errors.InvalidClientMetadata(problem);
      },
    },
    loadExistingGrant: loadExistingGrant(deps.consentGrants),
    discovery: {
      ui_locales_supported: [...UI_LOCALES],
      claims_locales_supported: [...UI_LOCALES],
      display_values_supported: ['page'],
      frontchannel_logout_supported: true,
      frontchannel_logout_session_supported: true,
    },
    // Nothing here uses pairwise subjects: never fetch the sector_identifier_uri a registering client names.
    sectorIdentifierUriValidate: () => false,
    clientBasedCORS: clientBasedCors,
    renderError: (ctx, out, error) => deps.pages.error(ctx, out, error),
  };
}
