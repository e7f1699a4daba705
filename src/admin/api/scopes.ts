/** Scopes in the admin API: list, define, show, change, delete; and their part of the OpenAPI document. */
import type Router from '@koa/router';
import { readJson } from '../../http/body.js';
import type { AdminServices } from '../services.js';
import { auditedChange, unchecked } from './change.js';
import { error, idParam, json, ok, ref, type ApiDoc } from './openapi-shapes.js';
import { ADMIN_API } from './prefix.js';

export type ScopeServices = Pick<AdminServices, 'scopes' | 'audit'>;

export function scopeRoutes(router: Router, { scopes, audit }: ScopeServices): void {
  const change = auditedChange(audit);
  router.get('/scopes', async (ctx) => {
    ctx.body = { scopes: await scopes.list() };
  });
  router.post('/scopes', async (ctx) => {
    const input = await readJson(ctx);
    const created = await change(ctx, `scope create ${String(input.id ?? '')}`, 'setting', () => scopes.create(unchecked(input)));
    ctx.status = 201;
    ctx.set('Location', `${ADMIN_API}/scopes/${encodeURIComponent(created.id)}`);
    ctx.body = created;
  });
  router.get('/scopes/:id', async (ctx) => {
    ctx.body = await scopes.require(ctx.params.id!);
  });
  router.patch('/scopes/:id', async (ctx) => {
    const input = await readJson(ctx);
    ctx.body = await change(ctx, `scope update ${ctx.params.id}`, 'setting', () => scopes.update(ctx.params.id!, unchecked(input)));
  });
  router.delete('/scopes/:id', async (ctx) => {
    await change(ctx, `scope delete ${ctx.params.id}`, 'setting', () => scopes.delete(ctx.params.id!));
    ctx.status = 204;
  });
}

export function scopesDoc(): ApiDoc {
  return {
    schemas: {
      Scope: {
        type: 'object',
        required: ['id', 'name', 'description'],
        properties: {
          id: { type: 'string' },
          name: { description: 'text, or per language {"en": …, "zh-CN": …}' },
          description: { description: 'text, or per language; {user} and {client_name} are filled in' },
          claims: { type: 'array', items: { type: 'string' }, description: 'standard or custom claim names (at most 128 of A-Z a-z 0-9 _ . : / -; never a protocol claim)' },
          display: { type: 'object', additionalProperties: { description: 'text, or per language' }, description: 'what the consent page calls a claim: {"employee_number": {"en": "employee number", "zh-CN": "员工编号"}}' },
          icon: { type: 'string' },
          default: { type: 'boolean', description: 'new clients without a scope list get it' },
        },
      },
    },
    paths: {
      '/scopes': {
        get: { summary: 'the scopes in force', responses: { 200: ok('scopes', { type: 'object', properties: { scopes: { type: 'array', items: ref('Scope') } } }) } },
        post: { summary: 'define a scope', requestBody: json(ref('Scope')), responses: { 201: ok('created', ref('Scope')), 400: error, 409: error } },
      },
      '/scopes/{id}': {
        parameters: [idParam],
        get: { summary: 'show a scope', responses: { 200: ok('the scope', ref('Scope')), 404: error } },
        patch: { summary: 'change texts, claims, icon, default', requestBody: json(ref('Scope')), responses: { 200: ok('the scope', ref('Scope')), 400: error, 404: error } },
        delete: { summary: 'delete an administrator-defined scope', responses: { 204: ok('deleted'), 400: error, 404: error } },
      },
    },
  };
}
