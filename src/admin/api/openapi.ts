/** The admin API described as OpenAPI 3.1, assembled from each resource's part. */
import { adminTokensDoc } from './admin-tokens.js';
import { auditDoc } from './audit.js';
import { bearerScheme } from './auth.js';
import { backupDoc } from './backup.js';
import { clientsDoc } from './clients.js';
import { directoriesDoc } from './directories.js';
import { idpsDoc } from './idps.js';
import { errorSchemas } from './errors.js';
import { keysDoc } from './keys.js';
import { ok } from './openapi-shapes.js';
import { ADMIN_API } from './prefix.js';
import { registrationTokensDoc } from './registration-tokens.js';
import { scopesDoc } from './scopes.js';
import { groupsDoc } from './groups.js';
import { settingsDoc } from './settings.js';
import { consentSchemas, usersDoc } from './users.js';
import { userSessionsDoc } from './user-sessions.js';
import { userMfaDoc } from './user-mfa.js';

export function openApiDocument() {
  const [clients, users, scopes, keys, registrationTokens, settings, backup, adminTokens, audit, userSessions] = [
    clientsDoc(),
    usersDoc(),
    scopesDoc(),
    keysDoc(),
    registrationTokensDoc(),
    settingsDoc(),
    backupDoc(),
    adminTokensDoc(),
    auditDoc(),
    userSessionsDoc(),
  ];
  const groups = groupsDoc();
  const directories = directoriesDoc();
  const idps = idpsDoc();
  const userMfa = userMfaDoc();
  return {
    openapi: '3.1.0',
    info: { title: 'oidc-op admin API', version: '1' },
    servers: [{ url: ADMIN_API }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: bearerScheme },
      // The order published documents have always had: the consent schema after the settings.
      schemas: {
        ...errorSchemas,
        ...clients.schemas,
        ...users.schemas,
        ...scopes.schemas,
        ...keys.schemas,
        ...settings.schemas,
        ...consentSchemas,
        ...backup.schemas,
        ...adminTokens.schemas,
        ...audit.schemas,
        ...groups.schemas,
        ...userSessions.schemas,
        ...directories.schemas,
        ...userMfa.schemas,
        ...idps.schemas,
      },
    },
    paths: {
      '/openapi.json': { get: { security: [], summary: 'this document', responses: { 200: ok('OpenAPI 3.1') } } },
      ...clients.paths,
      ...users.paths,
      ...scopes.paths,
      ...keys.paths,
      ...registrationTokens.paths,
      ...settings.paths,
      ...backup.paths,
      ...adminTokens.paths,
      ...audit.paths,
      ...groups.paths,
      ...userSessions.paths,
      ...directories.paths,
      ...userMfa.paths,
      ...idps.paths,
    },
  };
}
