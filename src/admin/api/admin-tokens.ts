/** Admin tokens in the admin API: list them (never the tokens themselves), revoke; and their part of the OpenAPI document. */
import type Router from '@koa/router';
import type { AdminServices } from '../services.js';
import { auditedChange } from './change.js';
import { error, ok, ref, type ApiDoc } from './openapi-shapes.js';

export type AdminTokenServices = Pick<AdminServices, 'adminTokens' | 'audit'>;

export function adminTokenRoutes(router: Router, { adminTokens, audit }: AdminTokenServices): void {
  const change = auditedChange(audit);
  router.get('/admin-tokens', async (ctx) => {
    ctx.body = { tokens: await adminTokens.list() };
  });
  router.delete('/admin-tokens/:id', async (ctx) => {
    ctx.body = { revoked: await change(ctx, `admin-token revoke ${ctx.params.id}`, 'setting', () => adminTokens.revoke(ctx.params.id!)) };
  });
}

export function adminTokensDoc(): ApiDoc {
  return {
    schemas: {
      AdminToken: { type: 'object', properties: { id: { type: 'string', description: 'the start of its hash' }, name: { type: 'string' }, createdAt: { type: 'string' } } },
    },
    paths: {
      '/admin-tokens': {
        get: { summary: 'the admin tokens (never the tokens themselves)', responses: { 200: ok('tokens', { type: 'object', properties: { tokens: { type: 'array', items: ref('AdminToken') } } }) } },
      },
      '/admin-tokens/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'a token id, or a name (every token of that name)' }],
        delete: { summary: 'revoke: the token gets 401 from now on', responses: { 200: ok('revoked', { type: 'object', properties: { revoked: { type: 'array', items: ref('AdminToken') } } }), 404: error } },
      },
    },
  };
}
