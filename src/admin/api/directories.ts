/** Directories (LDAP, Active Directory) in the admin API: list, define, show, change, delete, test; and their OpenAPI part. */
import type Router from '@koa/router';
import { readJson } from '../../http/body.js';
import { testDirectory } from '../../directories/directory-test.js';
import { DirectoryError } from '../../directories/directories.js';
import { PASSWORD_MAX, USERNAME_MAX } from '../../input-bounds.js';
import type { AdminServices } from '../services.js';
import { auditedChange, unchecked } from './change.js';
import { error, json, ok, ref, type ApiDoc } from './openapi-shapes.js';
import { ADMIN_API } from './prefix.js';

export type DirectoryServices = Pick<AdminServices, 'directories' | 'audit'>;

export function directoryRoutes(router: Router, { directories, audit }: DirectoryServices): void {
  const change = auditedChange(audit);
  router.get('/directories', async (ctx) => {
    ctx.body = { directories: await directories.list() };
  });
  router.post('/directories', async (ctx) => {
    const input = await readJson(ctx);
    const created = await change(ctx, `directory create ${String(input.name ?? '').slice(0, 64)}`, 'setting', () => directories.create(input));
    ctx.status = 201;
    ctx.set('Location', `${ADMIN_API}/directories/${encodeURIComponent(created.name)}`);
    ctx.body = created;
  });
  router.get('/directories/:name', async (ctx) => {
    ctx.body = await directories.require(ctx.params.name!);
  });
  router.patch('/directories/:name', async (ctx) => {
    const input = await readJson(ctx);
    ctx.body = await change(ctx, `directory update ${ctx.params.name}`, 'setting', () => directories.update(ctx.params.name!, unchecked(input)));
  });
  router.delete('/directories/:name', async (ctx) => {
    await change(ctx, `directory delete ${ctx.params.name}`, 'setting', () => directories.delete(ctx.params.name!));
    ctx.status = 204;
  });
  router.post('/directories/:name/test', async (ctx) => {
    const { username, password } = await readJson(ctx);
    if (typeof username !== 'string' || !username || username.length > USERNAME_MAX) throw new DirectoryError(`username: required, at most ${USERNAME_MAX} characters`, 'invalid');
    if (typeof password !== 'string' || password.length > PASSWORD_MAX) throw new DirectoryError(`password: required, at most ${PASSWORD_MAX} characters`, 'invalid');
    const directory = (await directories.forSignIn()).find((d) => d.name === ctx.params.name);
    if (!directory) throw new DirectoryError(`directory ${ctx.params.name}: not found`, 'not_found');
    ctx.body = await testDirectory(directory, username, password);
  });
}

export function directoriesDoc(): ApiDoc {
  const strings = { type: 'array', items: { type: 'string' } };
  return {
    schemas: {
      Directory: {
        type: 'object',
        required: ['name', 'urls', 'bindDn', 'bindPassword', 'userBase'],
        properties: {
          name: { type: 'string', description: 'letters, digits, . _ - (1 to 64); cannot be changed' },
          kind: { enum: ['openldap', 'active-directory'], default: 'openldap' },
          urls: { ...strings, description: 'ldap:// or ldaps:// URLs, tried in turn' },
          bindDn: { type: 'string', description: 'the service account that searches' },
          bindPassword: { type: 'string', writeOnly: true, description: 'never returned; sealed at rest with KEYS_ENCRYPTION_KEY' },
          bindPasswordSet: { type: 'boolean', readOnly: true },
          userBase: { type: 'string' },
          userFilter: { type: 'string', description: 'with {username} (RFC 4515 escaped); the kind\'s default when absent' },
          groupBase: { type: 'string' },
          groupFilter: { type: 'string', description: 'with {dn} and/or {username}' },
          startTls: { type: 'boolean', default: false },
          ca: { type: 'string', description: 'PEM certificates the server\'s certificate must chain to' },
          domains: { ...strings, description: 'names that pick this directory: alice@NAME, NAME\\alice' },
          claimMap: { type: 'object', additionalProperties: { type: 'string' }, description: 'claim → attribute over the kind\'s defaults; "" drops a claim' },
          order: { type: 'integer', default: 100, description: 'plain names fall through the directories by this order' },
          connectTimeoutMs: { type: 'integer', default: 3000 },
          timeoutMs: { type: 'integer', default: 5000 },
          passwordMaxAgeSeconds: { type: 'integer', minimum: 0, description: 'OpenLDAP: password max age for entries naming no pwdPolicySubentry (their policy\'s pwdMaxAge wins); 0 or absent: never expires' },
          createdAt: { type: 'string', readOnly: true },
          updatedAt: { type: 'string', readOnly: true },
        },
      },
      DirectoryTest: {
        type: 'object',
        properties: {
          steps: { type: 'array', items: { type: 'object', properties: { step: { type: 'string' }, ok: { type: 'boolean' }, ms: { type: 'number' }, detail: { type: 'string' } } } },
          outcome: { enum: ['success', 'refused', 'invalid', 'unavailable'] },
          claims: { type: 'object' },
          groups: strings,
        },
      },
    },
    paths: {
      '/directories': {
        get: { summary: 'the directories, in sign-in order', responses: { 200: ok('directories', { type: 'object', properties: { directories: { type: 'array', items: ref('Directory') } } }) } },
        post: { summary: 'define a directory', requestBody: json(ref('Directory')), responses: { 201: ok('created', ref('Directory')), 400: error, 409: error } },
      },
      '/directories/{name}': {
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        get: { summary: 'show a directory (without its bind password)', responses: { 200: ok('the directory', ref('Directory')), 404: error } },
        patch: { summary: 'change a directory; null clears userFilter, groupBase, groupFilter, ca', requestBody: json(ref('Directory')), responses: { 200: ok('the directory', ref('Directory')), 400: error, 404: error } },
        delete: { summary: 'delete a directory (its users\' records stay)', responses: { 204: ok('deleted'), 404: error } },
      },
      '/directories/{name}/test': {
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        post: {
          summary: 'sign a user in against this directory, step by step, writing nothing',
          requestBody: json({ type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } }),
          responses: { 200: ok('each step and the outcome', ref('DirectoryTest')), 400: error, 404: error },
        },
      },
    },
  };
}
