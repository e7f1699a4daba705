/** Export and import of all admin data in the admin API; and their part of the OpenAPI document. */
import type Router from '@koa/router';
import { readJson } from '../../http/body.js';
import { importNotes } from '../../backup/backup-store.js';
import type { AdminServices } from '../services.js';
import { auditedChange } from './change.js';
import { error, json, ok, ref, type ApiDoc } from './openapi-shapes.js';

/** An import carries every user's hash: room for tens of thousands of records. */
const IMPORT_LIMIT = 32 * 1024 * 1024;

export type BackupServices = Pick<AdminServices, 'adminData' | 'audit'>;

export function backupRoutes(router: Router, { adminData, audit }: BackupServices): void {
  const change = auditedChange(audit);
  router.get('/export', async (ctx) => {
    ctx.body = await change(ctx, 'export', 'setting', () => adminData.export());
  });
  router.post('/import', async (ctx) => {
    const replace = ctx.query.replace === 'true';
    const document = await readJson(ctx, IMPORT_LIMIT);
    const imported = await change(ctx, replace ? 'import --replace' : 'import', 'setting', () => adminData.import(document, replace));
    ctx.body = { imported, notes: importNotes(imported) };
  });
}

export function backupDoc(): ApiDoc {
  return {
    schemas: {
      AdminDocument: {
        type: 'object',
        description: 'all admin data; no plain secret, signing key or admin token',
        required: ['version', 'clients', 'users', 'scopes', 'settings'],
        properties: {
          version: { const: 1 },
          clients: { type: 'array', items: { type: 'object', description: 'client metadata with client_secret as its sha256: hash, description, disabled, created_at, updated_at' } },
          users: { type: 'array', items: { type: 'object', description: 'sub, username, passwordHash (argon2id), claims, role, disabled, createdAt, updatedAt' } },
          scopes: { type: 'array', items: ref('Scope'), description: 'the scopes an administrator stored (not those of config/scopes.json)' },
          settings: { type: 'object', description: 'the runtime settings an administrator set' },
          groups: { type: 'array', items: { type: 'object', description: 'name, description, createdAt, updatedAt' } },
          directories: {
            type: 'array',
            items: { type: 'object', description: 'a directory (as in Directory) with createdAt, updatedAt; bindPassword only sealed with KEYS_ENCRYPTION_KEY (sealed:…), absent when the exporting side has no key' },
          },
          idps: {
            type: 'array',
            items: { type: 'object', description: 'an upstream identity provider (as in Idp) with createdAt, updatedAt; an OIDC oidc.clientSecret only sealed with KEYS_ENCRYPTION_KEY (sealed:…), absent when the exporting side has no key; SAML metadata as it is' },
          },
        },
      },
    },
    paths: {
      '/export': { get: { summary: 'every client, user, group, directory, upstream IdP, scope and setting as one document (no second factors: they stay in the store; a bind password or an OIDC client secret only sealed, or left out without KEYS_ENCRYPTION_KEY)', responses: { 200: ok('the document', ref('AdminDocument')) } } },
      '/import': {
        post: {
          summary: 'validate a whole document, then write it all or nothing (a sealed bind password or client secret must open with this side\'s KEYS_ENCRYPTION_KEY)',
          parameters: [{ name: 'replace', in: 'query', schema: { type: 'boolean' }, description: 'true: replace every client, user, group, directory, upstream IdP, scope and setting (without it, a store holding any is refused with 409)' }],
          requestBody: json(ref('AdminDocument')),
          responses: {
            200: ok('imported', {
              type: 'object',
              properties: {
                imported: {
                  type: 'object',
                  properties: {
                    replaced: { type: 'boolean' },
                    ...Object.fromEntries(['clients', 'users', 'scopes', 'settings', 'groups', 'directories', 'idps'].map((k) => [k, { type: 'integer' }])),
                    bindPasswordsKept: { type: 'array', items: { type: 'string' }, description: 'directories that kept the bind password already set here' },
                    bindPasswordsNeeded: { type: 'array', items: { type: 'string' }, description: 'directories imported without a bind password: they refuse sign-ins until one is set' },
                    clientSecretsKept: { type: 'array', items: { type: 'string' }, description: 'OIDC IdPs that kept the client secret already set here' },
                    clientSecretsNeeded: { type: 'array', items: { type: 'string' }, description: 'OIDC IdPs imported without a client secret: they refuse sign-ins until one is set' },
                  },
                },
                notes: { type: 'array', items: { type: 'string' }, description: 'what to do after the import, in words' },
              },
            }),
            400: { description: 'refused, nothing changed: `issues` lists each path and rule', ...json({ type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' }, issues: { type: 'array', items: { type: 'string' } } } }) },
            409: error,
            413: error,
          },
        },
      },
    },
  };
}
