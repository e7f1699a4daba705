/** Clients in the admin API: list, create, show, change, delete, enable and disable, a new secret; and their part of the OpenAPI document. */
import type Router from '@koa/router';
import { z } from 'zod';
import { clientSchema } from '../../clients/client-input.js';
import { clientView } from '../../clients/client-view.js';
import { declaredClientView } from '../../clients/declared-clients.js';
import { readJson } from '../../http/body.js';
import type { AdminServices } from '../services.js';
import { auditedChange, unchecked } from './change.js';
import { error, idParam, json, ok, ref, type ApiDoc } from './openapi-shapes.js';
import { ADMIN_API } from './prefix.js';

export type ClientServices = Pick<AdminServices, 'clients' | 'audit'>;

export function clientRoutes(router: Router, { clients, audit }: ClientServices): void {
  const change = auditedChange(audit);
  router.get('/clients', async (ctx) => {
    // Config-file and demo clients first, marked with their source and read-only.
    ctx.body = { clients: [...clients.declared.list().map(declaredClientView), ...(await clients.list()).map(clientView)] };
  });
  router.post('/clients', async (ctx) => {
    const input = await readJson(ctx);
    const created = await change(ctx, 'client create', 'client', () => clients.create(unchecked(input)), (c) => c.client_id);
    ctx.status = 201;
    ctx.set('Location', `${ADMIN_API}/clients/${created.client_id}`);
    ctx.body = created;
  });
  router.get('/clients/:id', async (ctx) => {
    const declared = clients.declared.find(ctx.params.id!);
    ctx.body = declared ? declaredClientView(declared) : clientView(await clients.require(ctx.params.id!));
  });
  router.patch('/clients/:id', async (ctx) => {
    const input = await readJson(ctx);
    const { record, client_secret: secret } = await change(ctx, 'client update', 'client', () => clients.update(ctx.params.id!, unchecked(input)));
    ctx.body = secret ? { ...clientView(record), client_secret: secret } : clientView(record);
  });
  router.delete('/clients/:id', async (ctx) => {
    await change(ctx, 'client delete', 'client', () => clients.delete(ctx.params.id!));
    ctx.status = 204;
  });
  for (const [path, disabled] of [['enable', false], ['disable', true]] as const) {
    router.post(`/clients/:id/${path}`, async (ctx) => {
      ctx.body = clientView(await change(ctx, `client ${path}`, 'client', () => clients.setDisabled(ctx.params.id!, disabled)));
    });
  }
  router.post('/clients/:id/rotate-secret', async (ctx) => {
    ctx.body = await change(ctx, 'client rotate-secret', 'client', () => clients.rotateSecret(ctx.params.id!));
  });
}

/** The input schemas come from the same zod schema that validates a client. */
export function clientsDoc(): ApiDoc {
  const clientInput = z.toJSONSchema(clientSchema, { io: 'input' });
  return {
    schemas: {
      ClientInput: clientInput,
      ClientChange: { ...clientInput, required: [] },
      Client: {
        type: 'object',
        description:
          'oidc-provider client metadata (no secret), plus description, disabled and created_at; a client a config file declares has source (config or demo), file and read_only: true, and a change to it is refused with 409',
      },
      CreatedClient: { type: 'object', properties: { client_id: { type: 'string' }, client_secret: { type: 'string', description: 'shown once' } } },
    },
    paths: {
      '/clients': {
        get: { summary: 'list clients', responses: { 200: ok('clients', { type: 'object', properties: { clients: { type: 'array', items: ref('Client') } } }) } },
        post: { summary: 'create a client', requestBody: json(ref('ClientInput')), responses: { 201: ok('created', ref('CreatedClient')), 400: error } },
      },
      '/clients/{id}': {
        parameters: [idParam],
        get: { summary: 'show a client', responses: { 200: ok('the client', ref('Client')), 404: error } },
        patch: { summary: 'change a client (fields given replace)', requestBody: json(ref('ClientChange')), responses: { 200: ok('the client', ref('Client')), 400: error, 404: error, 409: error } },
        delete: { summary: 'delete a client', responses: { 204: ok('deleted'), 404: error, 409: error } },
      },
      '/clients/{id}/enable': { parameters: [idParam], post: { summary: 'enable', responses: { 200: ok('the client', ref('Client')), 404: error } } },
      '/clients/{id}/disable': { parameters: [idParam], post: { summary: 'disable', responses: { 200: ok('the client', ref('Client')), 404: error } } },
      '/clients/{id}/rotate-secret': {
        parameters: [idParam],
        post: { summary: 'new secret, shown once', responses: { 200: ok('the new secret', ref('CreatedClient')), 400: error, 404: error } },
      },
    },
  };
}
