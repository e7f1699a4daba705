/**
 * Koa composition: request log → security headers → health and metrics → error pages → static assets → interaction pages → oidc-provider,
 * behind a request listener that answers the prebuilt discovery and JWKS documents itself and hands authorization GETs and
 * userinfo straight to oidc-provider (whose own Koa then runs our request log and security headers first).
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { RequestListener } from 'node:http';
import Koa from 'koa';
import type { Logger } from 'pino';
import { deviceCookies } from './accounts/device-cookies.js';
import { findAccount } from './accounts/find-account.js';
import { ADMIN_API, adminApi } from './admin/api/routes.js';
import { cliEndpoint } from './admin/api/cli-endpoint.js';
import { runInProcess } from './cli/in-process.js';
import { CONSOLE_CLIENT_ID, CONSOLE_PATH, consoleClient } from './admin/console/console-client.js';
import { ACCOUNT_CLIENT_ID, ACCOUNT_PATH, accountClient } from './account/account-client.js';
import { accountRoutes } from './account/routes.js';
import { webConsole } from './admin/console/web-console.js';
import { pathsOf, registrationOf, type ProviderSettings } from './settings/provider-settings.js';
import type { ScopeRecord } from './scopes/scopes.js';
import { Polled } from './polled.js';
import { healthRoutes } from './ops/health.js';
import { Metrics, metricsRoute } from './ops/metrics.js';
import { observeProvider, rememberRoute } from './ops/provider-metrics.js';
import { RateLimit } from './limits/rate-limit.js';
import { observeRedis } from './ops/redis-metrics.js';
import { workersMetrics } from './ops/worker-metrics.js';
import { RequestLog } from './http/request-log.js';
import { clientAdapter } from './clients/client-adapter.js';
import { checkStaticClients } from './clients/static-clients.js';
import { clientLogos } from './http/client-logos.js';
import { errorPages } from './http/error-pages.js';
import { demoCallback } from './http/demo-callback.js';
import { landingPage } from './http/landing-page.js';
import { pageScripts } from './http/page-scripts.js';
import { DEMO_CALLBACK_PATH } from './config/demo-callback.js';
import { postAsGet } from './http/post-as-get.js';
import { boundedParameters } from './http/bounded-parameters.js';
import { requestListener, providerFastLane } from './http/request-listener.js';
import { mountedRouter } from './http/mounted-router.js';
import { PrebuiltDocuments } from './http/prebuilt-documents.js';
import { securityHeaders } from './http/security-headers.js';
import { csrfFollowing } from './pages/csrf.js';
import { auditGrantRevocation, auditTokenIssuance } from './audit/provider-events.js';
import { auditRegistration } from './audit/registration-events.js';
import { countAuthorizations } from './clients/usage.js';
import { providerPages } from './pages/provider-pages.js';
import { interactionRoutes } from './interactions/routes.js';
import { federationCallback } from './interactions/federation-callback.js';
import { OidcProtocol } from './idps/oidc-protocol.js';
import { observedProtocol } from './idps/observed-protocol.js';
import { samlProtocolWith, samlRoutes } from './idps/saml/index.js';
import { idpForLogin, samlUrlsOf } from './idps/idp-record.js';
import { readForm } from './http/body.js';
import { relyingPartyOf } from './mfa/passkeys.js';
import { renderer } from './interactions/render.js';
import { loadViews, type Views } from './pages/views.js';
import { keptCookieKeys, type OnRestored } from './keys/generated-keys.js';
import { requireDefaultSigningAlg, signingAlgsOf } from './keys/signing-algs.js';
import { SwappableProvider } from './provider/swappable-provider.js';
import { createProvider, currentRequest } from './provider/provider.js';
import type { ProviderLimits } from './provider/limits.js';
import { answerOutagesWith503, recoverFromOutage } from './provider/outage.js';
import type { PrivateJwks } from './config/key-files.js';
import type { Settings } from './config/settings.js';
import { consentGrantsOn } from './storage/account-grants.js';
import { memoryAdapter } from './storage/memory-adapter.js';
import { RedisAdapter } from './storage/redis-adapter.js';
import type { Stores } from './stores.js';

export interface App {
  /** The server's request listener: prebuilt documents and the fast lane, then Koa. */
  listener: RequestListener;
  provider: SwappableProvider;
  /** The runtime settings this instance follows; stop() ends its refresh timer. */
  live: Polled<ProviderSettings>;
  /** The signing keys in service; stop() ends its refresh timer. */
  keys: Polled<PrivateJwks>;
  /** The cookie keys in force (configured, or generated and followed in the store); stop() ends its refresh timer. */
  cookieKeys: Polled<string[]>;
  scopes: Polled<ScopeRecord[]>;
}

/** The stylesheet (with the brand colour) and the brand logo: everything our pages load comes from here. */
function assets(views: Views): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/assets/app.css') {
      ctx.type = 'text/css';
      ctx.body = views.css;
      // A package's bundle (the passkey prompts' @simplewebauthn/browser), from our own origin.
    } else if (ctx.path.startsWith('/assets/') && Object.hasOwn(views.scripts, ctx.path.slice('/assets/'.length))) {
      ctx.type = 'text/javascript';
      ctx.body = views.scripts[ctx.path.slice('/assets/'.length)];
    } else if (ctx.path === '/assets/logo' && views.logo) {
      ctx.type = views.logo.contentType;
      ctx.body = views.logo.body;
    } else {
      return next();
    }
    ctx.set('Cache-Control', 'public, max-age=3600');
  };
}

/** Interactions per address; registrations per address and per initial access token, each counted apart. */
function providerLimits(settings: Settings, stores: Stores): ProviderLimits {
  const interactions = new RateLimit(stores.counters, 'interaction', settings.limits.interactions);
  const registrations = new RateLimit(stores.counters, 'registration', settings.limits.registrations);
  return {
    interaction: (ip) => interactions.take(`ip:${ip}`),
    async registration(ip, initialAccessToken) {
      const waits = await Promise.all([registrations.take(`ip:${ip}`), initialAccessToken ? registrations.take(`iat:${initialAccessToken}`) : 0]);
      return Math.max(...waits);
    },
  };
}

export interface AppOptions {
  /** The in-memory development server's token: it then runs command lines sent with it (admin/api/cli-endpoint.ts). */
  cliToken?: string;
}

export async function createApp(settings: Settings, stores: Stores, logger: Logger, options: AppOptions = {}): Promise<App> {
  const views = loadViews(settings.branding);
  // Keys the store had lost, written back by this instance: every other one converges on them within an interval.
  const onRestored: OnRestored = (id) =>
    logger.error({ keys: id }, `the ${id} keys were missing from Redis (flushed, failed over to an empty replica, or restored from an older copy): wrote back the ones this instance holds`);
  // Configured cookie keys (COOKIE_KEYS/COOKIE_KEYS_FILE) are fixed; generated ones are followed in the store.
  const cookieKeys: Polled<string[]> = settings.cookieKeys
    ? new Polled(async () => settings.cookieKeys!, settings.cookieKeys)
    : new Polled((): Promise<string[]> => keptCookieKeys(stores.keys, cookieKeys.current, onRestored), await keptCookieKeys(stores.keys));
  // Configured keys (JWKS/JWKS_FILE) are fixed; otherwise the keyring's generations in service, followed live.
  const keyring = stores.keyring;
  keyring.onRestored = onRestored;
  const jwks = settings.jwks
    ? new Polled(async () => settings.jwks!, settings.jwks)
    : new Polled(() => keyring.inService(), await keyring.inService());
  // A configured JWKS may lack a key for an algorithm: the default and config-file clients must not ask for it.
  const signingAlgs = signingAlgsOf(jwks.current);
  requireDefaultSigningAlg(settings.idTokenSigningAlg, signingAlgs);
  const clientPolicy = { production: settings.production, signingAlgs };
  checkStaticClients(settings.clients, settings.sources.clients, clientPolicy, [CONSOLE_CLIENT_ID, ACCOUNT_CLIENT_ID]);
  checkStaticClients(settings.demo?.clients ?? [], settings.sources.demo, clientPolicy, [CONSOLE_CLIENT_ID, ACCOUNT_CLIENT_ID]);
  const pages = providerPages(views, { explain: !settings.production });
  const { redis } = stores;
  const metrics = new Metrics();
  if (redis) observeRedis(redis, metrics);
  stores.logouts.observe = (outcome) => metrics.backchannelLogouts.inc({ outcome });
  stores.directorySignIn.observer = metrics;
  const live = new Polled(() => stores.providerSettings.read(), await stores.providerSettings.read());
  const registrationPolicy = { implicitEnabled: () => live.current['implicit.enabled'] };
  // Clients come from our registry, also without Redis (so the admin API's and self-registered clients are found).
  const adapter = (model: string) =>
    model === 'Client' ? clientAdapter(stores.clients, registrationPolicy) : redis ? new RedisAdapter(redis, model, currentRequest) : memoryAdapter(model, currentRequest);
  const scopes = new Polled(() => stores.scopes.list(), await stores.scopes.list());
  const requestLog = new RequestLog(logger, metrics);
  const limits = providerLimits(settings, stores);
  const bounded = boundedParameters(() => [live.current['paths.authorization'], live.current['paths.end_session']], pages);
  // Config-file clients are not in the registry and never change at run time: looking them up would cost a Redis read.
  const staticClients = new Set([...settings.clients, ...(settings.demo?.clients ?? [])].map((c) => c.client_id).concat(CONSOLE_CLIENT_ID, ACCOUNT_CLIENT_ID));
  const clientRecord = (clientId: string) => (staticClients.has(clientId) ? Promise.resolve(undefined) : stores.clients.find(clientId));
  const provider = new SwappableProvider(() => {
    // The web console is a built-in first-party client of this provider (admin/console/console-client.ts).
    const built = createProvider({ ...settings, clients: [...settings.clients, consoleClient(settings.issuer, cookieKeys.current[0]!), accountClient(settings.issuer)] }, {
      adapter,
      findAccount: findAccount(stores.users, clientRecord),
      ...(redis ? { consentGrants: consentGrantsOn(redis) } : {}),
      jwks: jwks.current,
      signing: { processes: settings.workers, cores: availableParallelism() },
      scopes: scopes.current,
      cookieKeys: cookieKeys.current,
      pages,
      runtime: () => live.current,
      limits,
      backchannelLogout: (notice) => stores.logouts.notify([notice]),
      upstreamHint: async ({ idp_hint: hint, login_hint: loginHint }) => {
        const enabled = (await stores.idps.list()).filter((i) => i.enabled);
        if (typeof hint === 'string' && hint) return enabled.some((i) => i.name === hint);
        return typeof loginHint === 'string' && idpForLogin(enabled, loginHint) !== undefined;
      },
    }, [requestLog.middleware(), securityHeaders, bounded], { served: rememberRoute, recover: recoverFromOutage(pages) });
    auditTokenIssuance(built, stores.audit);
    auditGrantRevocation(built, stores.audit);
    auditRegistration(built, stores.audit);
    observeProvider(built, metrics, logger);
    answerOutagesWith503(built);
    countAuthorizations(built, stores.usage);
    return built;
  });
  // Endpoint paths and the registration switches are fixed when oidc-provider is built: a change builds a new instance.
  let paths = JSON.stringify(pathsOf(live.current));
  let registration = JSON.stringify(registrationOf(live.current));
  live.on('change', (next: ProviderSettings) => {
    const nextPaths = JSON.stringify(pathsOf(next));
    const nextRegistration = JSON.stringify(registrationOf(next));
    if (nextPaths === paths && nextRegistration === registration) return;
    paths = nextPaths;
    registration = nextRegistration;
    provider.rebuild();
    logger.info({ paths: pathsOf(next), ...registrationOf(next) }, 'endpoint paths or registration changed: provider rebuilt');
  });
  live.start(settings.settingsRefreshMs);
  // A rotation published, activated or retired changes the keys in service: build anew with them.
  jwks.on('change', () => {
    provider.rebuild();
    logger.info({ kids: jwks.current.keys.map((k) => k.kid) }, 'signing keys changed: provider rebuilt');
  });
  if (!settings.jwks) jwks.start(settings.settingsRefreshMs);
  // Another instance wrote the cookie keys (after the store lost them): sessions, CSRF and the console follow.
  cookieKeys.on('change', () => {
    provider.rebuild();
    logger.warn('cookie keys changed in Redis: provider rebuilt; cookies signed with the previous keys are no longer accepted');
  });
  if (!settings.cookieKeys) cookieKeys.start(settings.settingsRefreshMs);
  // Scopes and their claims are fixed in oidc-provider's configuration too.
  scopes.on('change', () => {
    provider.rebuild();
    logger.info({ scopes: scopes.current.map((s) => s.id) }, 'scopes changed: provider rebuilt');
  });
  scopes.start(settings.settingsRefreshMs);

  // Demo clients that return to the built-in callback page (config/demo-callback.ts): development only.
  const callbackClients = (settings.demo?.clients ?? []).filter((c) => c.redirect_uris.includes(`${settings.issuer}${DEMO_CALLBACK_PATH}`));
  const app = new Koa({ proxy: settings.proxy });
  app.silent = true; // errorPages logs what matters; Koa's default handler would print stacks to stderr
  const csrf = csrfFollowing(() => cookieKeys.current[0]!);
  // Each answer's outcome and time on /metrics, for the OIDC callback and the SAML ACS alike.
  const protocols = { oidc: observedProtocol(new OidcProtocol(), metrics), saml: observedProtocol(samlProtocolWith({ replay: stores.samlReplay }), metrics) };
  const interactions = interactionRoutes({
    provider,
    audit: stores.audit,
    users: stores.users,
    throttle: stores.throttle,
    devices: deviceCookies(() => cookieKeys.current),
    views,
    csrf,
    scopes: () => scopes.current,
    metrics,
    directories: stores.directorySignIn,
    factors: stores.mfa,
    mfaRequired: () => live.current['mfa.required'],
    issuerLabel: new URL(settings.issuer).host,
    relyingParty: relyingPartyOf(settings.issuer),
    federation: { issuer: settings.issuer, idps: stores.idps, pending: stores.pendingSignIns, protocols, accounts: stores.federatedAccounts },
  });

  const documents = new PrebuiltDocuments(provider, () => live.current['paths.jwks'], () => live.current['implicit.enabled'], settings.proxy);
  app.use(requestLog.middleware());
  app.use(securityHeaders);
  app.use(healthRoutes({ redis, keyCount: () => jwks.current.keys.length }));
  // Under WORKERS a scrape must count every worker, not only the one that took the connection.
  app.use(metricsRoute(metrics, settings.metricsToken, cluster.isWorker ? workersMetrics(metrics.registry) : undefined));
  app.use(errorPages(views, logger));
  app.use(documents.middleware());
  app.use(assets(views));
  app.use(pageScripts());
  app.use(landingPage({ enabled: settings.landingPage, views, issuer: settings.issuer, production: settings.production, demoClients: callbackClients, consolePath: CONSOLE_PATH, authorizationPath: () => live.current['paths.authorization'] }));
  app.use(demoCallback(views, settings.issuer, callbackClients, () => live.current['paths.authorization']));
  app.use(postAsGet(() => [live.current['paths.authorization'], live.current['paths.end_session']]));
  app.use(clientLogos(provider, settings.branding.primaryColor, !settings.production));
  if (options.cliToken) app.use(cliEndpoint(options.cliToken, runInProcess(stores, settings)));
  app.use(mountedRouter(ADMIN_API, adminApi(stores, stores.adminTokens, !!settings.jwks, settings.issuer)));
  app.use(mountedRouter(CONSOLE_PATH, webConsole({ settings, stores, views, csrf, cookieKeys: () => cookieKeys.current, paths: () => live.current, jwks: () => jwks.current, provider: () => provider.current })));
  app.use(mountedRouter('/interaction', interactions));
  const federationRender = renderer({ provider, users: stores.users, views, csrf });
  app.use(mountedRouter('/federation', federationCallback({ issuer: settings.issuer, render: federationRender, idps: stores.idps, pending: stores.pendingSignIns, protocols, audit: stores.audit })));
  app.use(
    mountedRouter(
      '/federation',
      samlRoutes({
        findIdp: async (name) => {
          const idp = await stores.idps.forSignIn(name);
          return idp?.enabled && idp.type === 'saml' ? idp : undefined;
        },
        spUrls: (name) => samlUrlsOf(settings.issuer, name),
        pending: stores.pendingSignIns,
        protocol: protocols.saml,
        audit: (event) => stores.audit.record(event),
        readForm,
        errorPage: (ctx, status, key) => {
          const locale = federationRender.localeFor(ctx);
          federationRender.page(ctx, status, 'error', locale, { title: locale.t('federation.saml.title'), message: locale.t(key), code: key.replace('federation.saml.', '') });
        },
      }),
    ),
  );
  // The user's own second factors, with the sign-in's own factors, throttle and passkey binding.
  const accountSecurity = { factors: stores.mfa, throttle: stores.throttle, mfaRequired: () => live.current['mfa.required'], issuerLabel: new URL(settings.issuer).host, rp: relyingPartyOf(settings.issuer) };
  app.use(mountedRouter(ACCOUNT_PATH, accountRoutes({ provider, issuer: settings.issuer, authorizationPath: () => live.current['paths.authorization'], users: stores.users, consents: stores.consents, sessions: stores.sessions, audit: stores.audit, views, csrf, editableClaims: () => (live.current['account.editable_claims'] ?? 'name').split(',').filter(Boolean), security: accountSecurity })));
  app.use(async (ctx) => {
    ctx.respond = false; // oidc-provider writes the response itself
    await provider.handle(ctx.req, ctx.res);
  });
  const fastLane = providerFastLane(() => live.current, (req, res) => void provider.handle(req, res));
  const listener = requestListener(documents, requestLog, app.callback(), fastLane);
  return { listener, provider, live, keys: jwks, cookieKeys, scopes };
}
