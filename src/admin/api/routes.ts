/**
 * The admin HTTP API under /admin/api: JSON resources on the same registry, user store, validation and audit as the
 * command line, mounted in one router. Every call but the OpenAPI document needs an admin token
 * (`oidc-op admin-token create`) as a Bearer token.
 */
import Router from '@koa/router';
import type { AdminTokens } from '../../accounts/admin-tokens.js';
import type { AdminServices } from '../services.js';
import { adminTokenRoutes } from './admin-tokens.js';
import { auditRoutes } from './audit.js';
import { adminAuth } from './auth.js';
import { backupRoutes } from './backup.js';
import { clientRoutes } from './clients.js';
import { directoryRoutes } from './directories.js';
import { idpRoutes } from './idps.js';
import { jsonErrors } from './errors.js';
import { keyRoutes } from './keys.js';
import { openApiDocument } from './openapi.js';
import { ADMIN_API } from './prefix.js';
import { registrationTokenRoutes } from './registration-tokens.js';
import { scopeRoutes } from './scopes.js';
import { groupRoutes } from './groups.js';
import { settingRoutes } from './settings.js';
import { userRoutes } from './users.js';
import { userSessionRoutes } from './user-sessions.js';
import { userMfaRoutes } from './user-mfa.js';

export { ADMIN_API } from './prefix.js';

/** `issuer`: for the URLs an administrator registers at an upstream IdP. */
export function adminApi(stores: AdminServices, tokens: AdminTokens, keysConfigured: boolean, issuer = ''): Router {
  const router = new Router({ prefix: ADMIN_API });
  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });
  router.use(jsonErrors);
  router.get('/openapi.json', (ctx) => {
    ctx.body = openApiDocument();
  });
  // Everything mounted after this needs an admin token.
  router.use(adminAuth(tokens));
  clientRoutes(router, stores);
  userRoutes(router, stores);
  userSessionRoutes(router, stores);
  userMfaRoutes(router, stores);
  scopeRoutes(router, stores);
  groupRoutes(router, stores);
  keyRoutes(router, stores, keysConfigured);
  registrationTokenRoutes(router, stores);
  settingRoutes(router, stores);
  backupRoutes(router, stores);
  adminTokenRoutes(router, { adminTokens: tokens, audit: stores.audit });
  auditRoutes(router, stores);
  directoryRoutes(router, stores);
  idpRoutes(router, stores, issuer);
  return router;
}
