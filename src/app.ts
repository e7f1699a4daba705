/**
 * Koa composition: request log → security headers → health and metrics → error pages → static assets → interaction pages → oidc-provider,
 * behind a front door that answers the prebuilt discovery and JWKS documents itself and hands authorization GETs and
 * userinfo straight to oidc-provider (whose own Koa then runs our request log and security headers first).
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { RequestListener } from 'node:http';
import Koa from 'koa';
import type { Logger } from 'pino';
import { findAccount } from './accounts/find-account.js';
import { ADMIN_API, adminApi } from './admin/api.js';
import { CONSOLE_CLIENT_ID, CONSOLE_PATH, consoleClient } from './admin/console/console-client.js';
import { webConsole } from './admin/console/web-console.js';
import { pathsOf, registrationOf, type ProviderSettings } from './admin/provider-settings.js';
import type { ScopeRecord } from './admin/scopes.js';
import { Live } from './ops/live.js';
import { healthRoutes } from './ops/health.js';
import { Metrics, metricsRoute } from './ops/metrics.js';
import { observeProvider } from './ops/provider-metrics.js';
import { observeRedis } from './ops/redis-metrics.js';
import { workersMetrics } from './ops/worker-metrics.js';
import { RequestLog } from './http/request-log.js';
import { clientAdapter } from './clients/client-adapter.js';
import { checkStaticClients } from './clients/static-clients.js';
import { clientLogos } from './http/client-logos.js';
import { errorPages } from './http/error-pages.js';
import { postAsGet } from './http/post-to-get.js';
import { frontDoor, providerFastLane } from './http/front-door.js';
import { mountedRouter } from './http/mounted-router.js';
import { PrebuiltDocuments } from './http/prebuilt-documents.js';
import { securityHeaders } from './http/security-headers.js';
import { csrfProtection } from './interactions/csrf.js';
import { auditGrantRevocation, auditTokenIssuance } from './ops/audit-provider-events.js';
import { auditRegistration } from './ops/audit-registration.js';
import { countAuthorizations } from './ops/client-usage.js';
import { providerPages } from './interactions/provider-pages.js';
import { interactionRoutes } from './interactions/routes.js';
import { loadViews, type Views } from './interactions/views.js';
import { keptCookieKeys } from './keys/generated-keys.js';
import { requireDefaultSigningAlg, signingAlgsOf } from './keys/signing-algs.js';
import { LiveProvider } from './provider/live-provider.js';
import { createProvider, currentRequest } from './provider/provider.js';
import { answerOutagesWith503 } from './provider/outage.js';
import type { PrivateJwks, Settings } from './settings.js';
import { memoryAdapter } from './storage/memory-adapter.js';
import { RedisAdapter } from './storage/redis-adapter.js';
import type { Stores } from './stores.js';

export interface App {
  /** The server's request listener: the front door, then Koa. */
  listener: RequestListener;
  provider: LiveProvider;
  /** The runtime settings this instance follows; stop() ends its refresh timer. */
  live: Live<ProviderSettings>;
  /** The signing keys in service; stop() ends its refresh timer. */
  keys: Live<PrivateJwks>;
  scopes: Live<ScopeRecord[]>;
}

/** The stylesheet (with the brand colour) and the brand logo: everything our pages load comes from here. */
function assets(views: Views): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/assets/app.css') {
      ctx.type = 'text/css';
      ctx.body = views.css;
    } else if (ctx.path === '/assets/logo' && views.logo) {
      ctx.type = views.logo.contentType;
      ctx.body = views.logo.body;
    } else {
      return next();
    }
    ctx.set('Cache-Control', 'public, max-age=3600');
  };
}

export async function createApp(settings: Settings, stores: Stores, logger: Logger): Promise<App> {
  const views = loadViews(settings.branding);
  const cookieKeys = settings.cookieKeys ?? (await keptCookieKeys(stores.keys));
  // Configured keys (JWKS/JWKS_FILE) are fixed; otherwise the keyring's generations in service, followed live.
  const keyring = stores.keyring;
  const jwks = settings.jwks
    ? new Live(async () => settings.jwks!, settings.jwks)
    : new Live(() => keyring.inService(), await keyring.inService());
  // A configured JWKS may lack a key for an algorithm: the default and config-file clients must not ask for it.
  const signingAlgs = signingAlgsOf(jwks.current);
  requireDefaultSigningAlg(settings.idTokenSigningAlg, signingAlgs);
  const clientPolicy = { production: settings.production, signingAlgs };
  checkStaticClients(settings.clients, settings.sources.clients, clientPolicy, [CONSOLE_CLIENT_ID]);
  checkStaticClients(settings.demo?.clients ?? [], settings.sources.demo, clientPolicy, [CONSOLE_CLIENT_ID]);
  const pages = providerPages(views);
  const { redis } = stores;
  const metrics = new Metrics();
  if (redis) observeRedis(redis, metrics);
  const live = new Live(() => stores.providerSettings.read(), await stores.providerSettings.read());
  const registrationPolicy = { implicitEnabled: () => live.current['implicit.enabled'] };
  // Clients come from our registry, also without Redis (so the admin API's and self-registered clients are found).
  const adapter = (model: string) =>
    model === 'Client' ? clientAdapter(stores.clients, registrationPolicy) : redis ? new RedisAdapter(redis, model, currentRequest) : memoryAdapter(model);
  const scopes = new Live(() => stores.scopes.list(), await stores.scopes.list());
  const requestLog = new RequestLog(logger, metrics);
  const provider = new LiveProvider(() => {
    // The web console is a built-in first-party client of this provider (admin/console/console-client.ts).
    const built = createProvider({ ...settings, clients: [...settings.clients, consoleClient(settings.issuer, cookieKeys[0]!)] }, {
      adapter,
      findAccount: findAccount(stores.users),
      jwks: jwks.current,
      signing: { processes: settings.workers, cores: availableParallelism() },
      scopes: scopes.current,
      cookieKeys,
      pages,
      runtime: () => live.current,
    }, [requestLog.middleware(), securityHeaders]);
    auditTokenIssuance(built, stores.audit);
    auditGrantRevocation(built, stores.audit);
    auditRegistration(built, stores.audit);
    observeProvider(built, metrics, logger);
    answerOutagesWith503(built, pages);
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
  // Scopes and their claims are fixed in oidc-provider's configuration too.
  scopes.on('change', () => {
    provider.rebuild();
    logger.info({ scopes: scopes.current.map((s) => s.id) }, 'scopes changed: provider rebuilt');
  });
  scopes.start(settings.settingsRefreshMs);

  const app = new Koa({ proxy: settings.proxy });
  app.silent = true; // errorPages logs what matters; Koa's default handler would print stacks to stderr
  const csrf = csrfProtection(cookieKeys[0]!);
  const interactions = interactionRoutes({
    provider,
    audit: stores.audit,
    users: stores.users,
    throttle: stores.throttle,
    views,
    csrf,
    scopes: () => scopes.current,
    metrics,
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
  app.use(postAsGet(() => [live.current['paths.authorization'], live.current['paths.end_session']]));
  app.use(clientLogos(provider, settings.branding.primaryColor, !settings.production));
  app.use(mountedRouter(ADMIN_API, adminApi(stores, stores.adminTokens, !!settings.jwks)));
  app.use(mountedRouter(CONSOLE_PATH, webConsole({ settings, stores, views, csrf, cookieKeys, paths: () => live.current, jwks: () => jwks.current })));
  app.use(mountedRouter('/interaction', interactions));
  app.use(async (ctx) => {
    ctx.respond = false; // oidc-provider writes the response itself
    await provider.handle(ctx.req, ctx.res);
  });
  const fastLane = providerFastLane(() => live.current, (req, res) => void provider.handle(req, res));
  const listener = frontDoor(documents, requestLog, app.callback(), fastLane);
  return { listener, provider, live, keys: jwks, scopes };
}
