/** The oidc-provider instance: our configuration plus the few documented extension points we use. */
import type { Middleware } from 'koa';
import Provider, { errors } from 'oidc-provider';
import { clientSecretMatches } from '../clients/secrets.js';
import type { Settings } from '../config/settings.js';
import { buildConfiguration, type ProviderDeps } from './configuration.js';
import { mappedForClient } from './client-claims.js';
import { discoveryFollowsImplicitSwitch, isImplicit } from './implicit-switch.js';
import { AUTHORIZATION_ROUTES, finalRedirectAs302 } from './final-redirect.js';
import { TooManyRequests, type ProviderLimits } from './limits.js';
import { seenAtIssuer } from './issuer-origin.js';
import { REGISTRATION_ROUTES, registrationResponses } from './registration.js';
import { routeAnswers, type AnswerHooks, type RouteAnswer } from './route-answers.js';
import { dropUnregisteredLogoutReturn } from './unregistered-logout-return.js';
import { frontchannelLogout } from './frontchannel-logout.js';

/** Client-schema checks that development relaxes: http://localhost redirect URIs for implicit clients. */
const LOOPBACK_IMPLICIT_CHECKS = new Set(['implicit-force-https', 'implicit-forbid-localhost']);

interface ClientSchemaPrototype {
  invalidate(this: unknown, message: string, code?: string): void;
}

interface InteractionPrototype {
  save(this: { exp?: number }, ttl: number): Promise<string>;
}

/**
 * Each new interaction is a record kept for ttl.Interaction, so each is counted against its client address before
 * its first save; over the limit it is refused (429, our page) and nothing is stored. An interaction saved again (a
 * step answered) already has its expiry and is not counted; the silent path creates none and so pays nothing.
 */
function limitNewInteractions(provider: Provider, limits: ProviderLimits): void {
  const prototype = provider.Interaction.prototype as unknown as InteractionPrototype;
  const save = prototype.save;
  prototype.save = async function limitedSave(ttl) {
    const ctx = Provider.ctx;
    if (this.exp === undefined && ctx) {
      const wait = await limits.interaction(ctx.ip);
      if (wait > 0) throw new TooManyRequests(wait, 'too many sign-ins started from this address');
    }
    return save.call(this, ttl);
  };
}

/** The request oidc-provider is handling now (its documented `Provider.ctx`), for the storage adapter (storage/redis-adapter.ts). */
export const currentRequest = (): object | undefined => Provider.ctx;

/**
 * `outermost`: middleware that must wrap everything oidc-provider does (our request log and security headers);
 * `hooks`: what every answer goes through (the route's name for the log, outages as 503).
 */
export function createProvider(settings: Settings, deps: ProviderDeps, outermost: readonly Middleware[] = [], hooks: AnswerHooks = {}): Provider {
  const provider = new Provider(settings.issuer, buildConfiguration(settings, deps));
  provider.proxy = settings.proxy;
  // Behind a trusted proxy its X-Forwarded-Host names the origin; without one, nothing the client sends does.
  if (!settings.proxy) provider.use(seenAtIssuer(settings.issuer));
  for (const middleware of outermost) provider.use(middleware);

  // Stored secrets are hashes (clients/secrets.ts); oidc-provider documents this override for that case.
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: { clientSecret?: string }, actual: string) {
    return clientSecretMatches(this.clientSecret, actual);
  };

  // A client's claim map renames what the scopes released: applied after oidc-provider's own cut, which works
  // on the claims' own names (the ID token and userinfo both build their claims through this class).
  const Claims = provider.Claims;
  Object.defineProperty(provider, 'Claims', {
    value: class MappedClaims extends Claims {
      override async result() {
        return mappedForClient(await super.result(), (this as unknown as { client: object }).client);
      }
    },
  });

  // Every ID token carries sid (oidc-provider adds it only for back-channel logout clients): relying
  // parties use it to match logout and session-check events to the session that signed them in.
  provider.Client.prototype.includeSid = () => true;

  // Back-channel logout: oidc-provider calls this for each client of a session a sign-out ends and waits for it;
  // the notice goes to our delivery queue instead (retried, bounded), so the sign-out page never waits on a client.
  provider.Client.prototype.backchannelLogout = async function queueBackchannelLogout(this: { clientId: string }, accountId: string, sid: string) {
    deps.backchannelLogout?.({ clientId: this.clientId, accountId, sid, reason: 'sign-out' });
  };

  // RFC 6749 4.2.2.1 names a response type the client is not registered for unauthorized_client; oidc-provider
  // says invalid_request. Its one caller of this check redirects what it throws, so throw the right error here.
  // The implicit switch lives here too: an administrator can turn implicit off for everyone at run time.
  const responseTypeAllowed = provider.Client.prototype.responseTypeAllowed;
  provider.Client.prototype.responseTypeAllowed = function registeredResponseType(type) {
    if (isImplicit(type) && !deps.runtime()['implicit.enabled']) {
      throw new errors.UnsupportedResponseType('the implicit flow is disabled on this provider: use response_type=code with PKCE');
    }
    if (responseTypeAllowed.call(this, type)) return true;
    throw new errors.UnauthorizedClient('requested response_type is not allowed for this client');
  };

  if (!settings.production) {
    // Our own redirect URI policy (clients/redirect-uri-policy.ts) already limits http to loopback hosts.
    const schema = (provider.Client as unknown as { Schema: { prototype: ClientSchemaPrototype } }).Schema.prototype;
    const invalidate = schema.invalidate;
    schema.invalidate = function relaxedInvalidate(message, code) {
      if (code && LOOPBACK_IMPLICIT_CHECKS.has(code)) return;
      invalidate.call(this, message, code);
    };
  }

  if (deps.limits) limitNewInteractions(provider, deps.limits);
  provider.use(dropUnregisteredLogoutReturn(provider, () => deps.runtime()['paths.end_session']));
  const frontchannelPage = deps.pages.frontchannelLogout?.bind(deps.pages);
  const answers = new Map<string, RouteAnswer>([
    ...AUTHORIZATION_ROUTES.map((route) => [route, finalRedirectAs302] as const),
    ...REGISTRATION_ROUTES.map((route) => [route, registrationResponses] as const),
    ['discovery', discoveryFollowsImplicitSwitch(() => deps.runtime()['implicit.enabled'])],
    ...(frontchannelPage ? [['end_session_confirm', frontchannelLogout(provider, frontchannelPage)] as const] : []),
  ]);
  provider.use(routeAnswers(answers, hooks));
  return provider;
}
