/**
 * The administrators' web console under /admin: server-rendered pages on the same stores, validation and audit
 * as the command line and the admin API. This router mounts each resource's pages behind the sign-in guard
 * (session.ts); every form posts a CSRF token bound to the console session; every change is audited (shared.ts).
 */
import Router from '@koa/router';
import type { Csrf } from '../../pages/csrf.js';
import type { Views } from '../../pages/views.js';
import type { AdminServices } from '../services.js';
import { auditRoutes } from './audit.js';
import { clientRoutes } from './clients.js';
import { CONSOLE_PATH } from './console-client.js';
import { directoryRoutes } from './directories.js';
import { idpRoutes } from './idps.js';
import { keyRoutes } from './keys.js';
import { migrationRoutes } from './migration.js';
import type { ProviderSessions } from './provider-session.js';
import { scopeRoutes } from './scopes.js';
import type { Seal } from './seal.js';
import { sessionRoutes } from './session.js';
import { settingRoutes } from './settings.js';
import { consolePages } from './shared.js';
import type { ConsoleSignIn } from './sign-in.js';
import { userRoutes } from './users.js';
import { groupRoutes } from './groups.js';
import { userSessionRoutes } from './user-sessions.js';

export interface ConsoleDeps {
  issuer: string;
  stores: AdminServices;
  views: Views;
  csrf: Csrf;
  seal: Seal;
  signIn: ConsoleSignIn;
  sessions: ProviderSessions;
  /** Signing keys from JWKS/JWKS_FILE: nothing to rotate here. */
  keysConfigured: boolean;
  /** ID_TOKEN_SIGNING_ALG: what a client without its own algorithm gets. */
  defaultSigningAlg: string;
}

export function adminConsole(deps: ConsoleDeps): Router {
  const { stores } = deps;
  // One router for every page, so routes match in the order they are mounted (/clients/new before /clients/:id).
  const router = new Router({ prefix: CONSOLE_PATH });
  const pages = consolePages(deps.views, deps.csrf);
  const requireAdmin = sessionRoutes({ router, ...pages }, deps);
  router.get('/', requireAdmin, (ctx) => ctx.redirect(`${CONSOLE_PATH}/clients`));

  const mount = { router, requireAdmin, ...pages };
  clientRoutes(mount, stores, deps.defaultSigningAlg);
  userRoutes(mount, stores);
  groupRoutes(mount, stores);
  userSessionRoutes(mount, stores);
  scopeRoutes(mount, stores);
  keyRoutes(mount, stores, deps.keysConfigured);
  settingRoutes(mount, stores);
  auditRoutes(mount, stores);
  migrationRoutes(mount, stores);
  directoryRoutes(mount, stores);
  idpRoutes(mount, stores, deps.issuer);
  return router;
}
