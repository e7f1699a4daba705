/**
 * Settings → oidc-provider Configuration. Pure: everything with side effects (storage, accounts, pages)
 * arrives as a dependency, so the policy here is tested without a server.
 */
import { ACR_PASSWORD } from '../oidc/acr.js';
import { UI_LOCALES } from '../oidc/ui-locales.js';
import { errors, type Adapter, type ClientMetadata, type Configuration, type ErrorOut, type FindAccount, type ClaimsParameter, type Grant, type KoaContextWithOIDC } from 'oidc-provider';
import type { ProviderSettings } from '../settings/provider-settings.js';
import type { ClientConfig } from '../config/client-schema.js';
import type { PrivateJwks } from '../config/key-files.js';
import type { ScopeConfig } from '../config/scope-schema.js';
import type { Settings } from '../config/settings.js';
import { claimsConfiguration, claimsRequestWithin, clientClaims, releasedWithin } from './claims.js';
import { STANDARD_SCOPES } from '../oidc/claims.js';
import { CLIENT_FLAGS, CLIENT_LIFETIMES, clientFlag, clientLifetime, clientSettingProblem } from './client-settings.js';
import { cookieSigner } from '../keys/cookie-signer.js';
import { signingKeys, type SigningPlacement } from '../keys/local-signing-key.js';
import { signingAlgsOf } from '../keys/signing-algs.js';
import { interactionPrompts } from './interaction-policy.js';
import type { ProviderLimits } from './limits.js';
import { registrationFeatures } from './registration.js';

export interface Pages {
  error(ctx: KoaContextWithOIDC, out: ErrorOut, error: Error): Promise<void>;
  logout(ctx: KoaContextWithOIDC, form: string): Promise<void>;
  loggedOut(ctx: KoaContextWithOIDC): Promise<void>;
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
}

export type ConsentGrants = (accountId: string, clientId: string) => Promise<string[]>;
/** The languages of our pages, advertised in discovery. */
export const interactionPath = (uid: string) => `/interaction/${uid}`;

/** Config-file clients as oidc-provider metadata; grant types follow the response types when not given. */
export function staticClient(client: ClientConfig): ClientMetadata {
  const grantTypes = client.grant_types ?? [
    ...new Set(client.response_types.map((t) => (t === 'code' ? 'authorization_code' : 'implicit'))),
  ];
  return { ...client, grant_types: grantTypes };
}

/**
 * CORS for userinfo (discovery and JWKS are open to every origin): a browser app may call it
 * from the origin of one of its client's redirect URIs.
 */
export function clientOriginAllowed(origin: string, redirectUris: readonly string[]): boolean {
  if (origin === 'null') return false;
  return redirectUris.some((uri) => URL.parse(uri)?.origin === origin);
}

/** The account's consent to the client, through its grant index: the newest grant there that is the account's and the client's. */
async function accountConsent(ctx: KoaContextWithOIDC, consentGrants: ConsentGrants, accountId: string): Promise<Grant | undefined> {
  const clientId = ctx.oidc.client!.clientId;
  for (const id of await consentGrants(accountId, clientId)) {
    const grant = await ctx.oidc.provider.Grant.find(id);
    if (grant?.accountId === accountId && grant.clientId === clientId) return grant;
  }
  return undefined;
}

/**
 * A consent belongs to the account, not to the session that gave it: logging out of one browser keeps it (and the
 * tokens of that session still end with the session, as every token here is bound to it or already outlives it).
 */
function keepThroughLogout(ctx: KoaContextWithOIDC): void {
  const session = ctx.oidc.session!;
  const clientId = ctx.oidc.client!.clientId;
  // The client's entry in the session, as oidc-provider makes it next for the grant (a session with none hands out a throwaway).
  session.ensureClientContainer(clientId);
  const authorization = session.authorizationFor(clientId);
  if (!authorization.persistsLogout) authorization.persistsLogout = true;
}

/** First-party clients (the deployment's own applications) are granted what they ask for without a consent page. */
async function firstPartyGrant(ctx: KoaContextWithOIDC, existing: Grant | undefined): Promise<Grant> {
  const { oidc } = ctx;
  const grant = existing ?? new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId });
  const scopes = [...oidc.requestParamOIDCScopes].filter((scope) => !grant.getOIDCScope().split(' ').includes(scope));
  const claims = oidc.requestParamClaims ? [...oidc.requestParamClaims].filter((claim) => !grant.getOIDCClaims().includes(claim)) : [];
  if (!existing || scopes.length || claims.length) {
    if (scopes.length) grant.addOIDCScope(scopes.join(' '));
    if (claims.length) grant.addOIDCClaims(claims);
    await grant.save();
  }
  return grant;
}

/**
 * The grant an authorization runs with: the one this session holds for the client (the silent path: one read), else
 * the account's consent to the client, found through its grant index once per session and client. First-party
 * clients get what they ask for; everyone else keeps oidc-provider's behaviour: a consent page for what is missing.
 */
export function loadExistingGrant(consentGrants: ConsentGrants | undefined) {
  return async function existingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
    const { oidc } = ctx;
    const accountId = oidc.session?.accountId;
    const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
    let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (!grant && consentGrants && accountId) grant = await accountConsent(ctx, consentGrants, accountId);
    if (clientFlag(oidc.client, 'first_party') && !oidc.prompts.has('consent') && accountId) grant = await firstPartyGrant(ctx, grant);
    if (grant && consentGrants) keepThroughLogout(ctx);
    return grant;
  };
}

/** The `claims` parameter cut to the claims of the client's allowed scopes, before anything reads it (OIDC Core 5.5). */
function keepAllowedClaims(claimsByScope: Record<string, string[]>) {
  return (ctx: KoaContextWithOIDC, claims: ClaimsParameter, client: { scope?: string | undefined }) => {
    const within = claimsRequestWithin(claims, clientClaims(claimsByScope, client.scope));
    if (within) ctx.oidc.params!.claims = JSON.stringify(within);
  };
}

/** The account's claims never hold one outside the client's allowed scopes, whatever a grant says (one from before the cut, say). */
function releasedToClient(findAccount: FindAccount, claimsByScope: Record<string, string[]>): FindAccount {
  return async (ctx, sub, token) => {
    const account = await findAccount(ctx, sub, token);
    if (!account) return account;
    const claims = account.claims;
    // No client, no claim but the subject: every release oidc-provider makes names its client.
    const allowed = () => (ctx.oidc.client ? clientClaims(claimsByScope, ctx.oidc.client.scope) : new Set<string>());
    return { ...account, claims: async (...args) => releasedWithin(await claims(...args), allowed()) };
  };
}

/**
 * RFC 7009 2.1: a client revokes only tokens issued to it. A confidential caller is told it may not; a public
 * one (whose client_id anyone can send) gets the same empty answer as for an unknown token, so the endpoint
 * never tells a stranger that a token exists.
 */
export async function revocationAllowed(_ctx: KoaContextWithOIDC, client: { clientId: string; clientAuthMethod?: string }, token: { clientId?: string }): Promise<boolean> {
  if (token.clientId === client.clientId) return true;
  if (client.clientAuthMethod === 'none') return false;
  throw new errors.InvalidRequest('client is not authorized to revoke the presented token (it was issued to another client)');
}

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
    claims: claimsByScope,
    conformIdTokenClaims: true,
    acrValues: [ACR_PASSWORD],
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
    findAccount: releasedToClient(deps.findAccount, claimsByScope),
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
      policy: interactionPrompts(),
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
      state(ctx: KoaContextWithOIDC, value: unknown) {
        if (ctx.oidc.route === 'authorization' && deps.runtime()['state.required'] && (typeof value !== 'string' || value === '')) {
          throw new errors.InvalidRequest("missing required parameter 'state' (this provider requires it)");
        }
      },
    },
    extraClientMetadata: {
      properties: [...CLIENT_FLAGS, ...CLIENT_LIFETIMES],
      validator(_ctx, key, value) {
        const problem = clientSettingProblem(key, value);
        if (problem) throw new errors.InvalidClientMetadata(problem);
      },
    },
    loadExistingGrant: loadExistingGrant(deps.consentGrants),
    discovery: {
      ui_locales_supported: [...UI_LOCALES],
      claims_locales_supported: [...UI_LOCALES],
      display_values_supported: ['page'],
    },
    // Nothing here uses pairwise subjects: never fetch the sector_identifier_uri a registering client names.
    sectorIdentifierUriValidate: () => false,
    // Token and revocation calls from a browser only for public clients: a confidential one keeps its secret server-side.
    clientBasedCORS: (ctx, origin, client) =>
      (ctx.oidc.route === 'userinfo' || client.clientAuthMethod === 'none') &&
      clientOriginAllowed(origin, client.redirectUris ?? []),
    renderError: (ctx, out, error) => deps.pages.error(ctx, out, error),
  };
}
