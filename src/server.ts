/** Opens the stores, builds the app and listens; close() stops accepting, drains, then closes the stores. */
import { createServer, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SwappableProvider } from './provider/swappable-provider.js';
import { UserError } from './accounts/users.js';
import { createAdminCommand, ensureFirstAdmin, type FirstAdmin } from './accounts/first-admin.js';
import type { ProviderSettings } from './settings/provider-settings.js';
import type { ScopeRecord } from './scopes/scopes.js';
import { auditLogCopy } from './audit/audit.js';
import type { Polled } from './polled.js';
import { createApp, type AppOptions } from './app.js';
import type { PrivateJwks } from './config/key-files.js';
import type { Settings } from './config/settings.js';
import { openStores, type Stores } from './stores.js';

export interface RunningServer {
  server: Server;
  provider: SwappableProvider;
  stores: Stores;
  live: Polled<ProviderSettings>;
  keys: Polled<PrivateJwks>;
  cookieKeys: Polled<string[]>;
  scopes: Polled<ScopeRecord[]>;
  port: number;
  /** Whether an administrator exists, or was made now from BOOTSTRAP_ADMIN_*. */
  firstAdmin: FirstAdmin;
  /**
   * Stops accepting, lets requests in flight finish, then closes the stores. Connections still open after
   * `graceMs` (a client's idle keep-alive or speculative socket) are cut, so a stop always ends.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Slow senders are cut: headers must arrive within headersTimeout, the whole request within requestTimeout. Node
 * checks both every connectionsCheckingInterval (30 s by default), so the check runs at least as often as the
 * shorter timeout can end.
 */
export function serverOptions(http: Settings['http']): ServerOptions {
  return {
    headersTimeout: http.headersTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(http.headersTimeoutMs / 4))),
  };
}

/** Demo users exist for the embedded default and the compose stack; an existing one is left as it is. */
async function seedDemoUsers(settings: Settings, stores: Stores): Promise<void> {
  for (const user of settings.demo?.users ?? []) {
    const { sub, username, password, claims, role } = user;
    if (await stores.users.findBySub(sub)) continue;
    await stores.users.create({ sub, username, password, claims, role }).catch((err: unknown) => {
      if (!(err instanceof UserError && err.code === 'exists')) throw err;
    });
  }
}

/** What became of BOOTSTRAP_ADMIN_* (never its password), or the command that makes an administrator. */
function logFirstAdmin(first: FirstAdmin, logger: Logger): void {
  if (first.outcome === 'created') logger.info({ username: first.username }, 'first administrator created from BOOTSTRAP_ADMIN_USERNAME');
  else if (first.outcome === 'taken' && !first.admin) logger.warn({ username: first.username }, 'BOOTSTRAP_ADMIN_USERNAME names an existing user who is not an administrator: left as it is, no administrator created');
  else if (first.outcome === 'none') logger.warn({ command: createAdminCommand() }, 'no administrator exists: create one with the command given here, or set BOOTSTRAP_ADMIN_USERNAME and BOOTSTRAP_ADMIN_PASSWORD_FILE');
}

export async function startServer(settings: Settings, logger: Logger, options: AppOptions = {}): Promise<RunningServer> {
  const stores = await openStores(settings, undefined, (err) => logger.warn({ err }, 'audit events or usage counts lost'), auditLogCopy(logger));
  try {
    await seedDemoUsers(settings, stores);
    const firstAdmin = await ensureFirstAdmin(stores.users, settings.bootstrapAdmin);
    logFirstAdmin(firstAdmin, logger);
    if (firstAdmin.outcome === 'created') {
      stores.audit.record({ type: 'admin', outcome: 'success', actor: 'env:BOOTSTRAP_ADMIN_USERNAME', action: 'user create --role admin', user: firstAdmin.username });
    }
    const { listener, provider, live, keys, cookieKeys, scopes } = await createApp(settings, stores, logger, options);
    const server = createServer(serverOptions(settings.http), listener);
    // Keep-alive longer than a typical proxy's idle timeout, so the proxy closes first.
    server.keepAliveTimeout = settings.http.keepAliveTimeoutMs;
    // Beyond the cap a new connection is closed as it arrives: idle sockets cannot hold every descriptor and buffer.
    server.maxConnections = settings.http.maxConnections;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return {
      server,
      provider,
      stores,
      live,
      keys,
      cookieKeys,
      scopes,
      port,
      firstAdmin,
      async close(graceMs = 10_000) {
        await new Promise<void>((resolve) => {
          const cut = setTimeout(() => server.closeAllConnections(), graceMs);
          server.close(() => {
            clearTimeout(cut);
            resolve();
          });
          server.closeIdleConnections();
        });
        live.stop();
        keys.stop();
        cookieKeys.stop();
        scopes.stop();
        await stores.close();
      },
    };
  } catch (err) {
    await stores.close();
    throw err;
  }
}
