/** Signing keys in the admin API: their generations, a rotation, a retirement; and their part of the OpenAPI document. */
import type Router from '@koa/router';
import { readJson } from '../../http/body.js';
import { KeyError } from '../../keys/keyring.js';
import type { AdminServices } from '../services.js';
import { auditedChange } from './change.js';
import { error, json, ok, ref, type ApiDoc } from './openapi-shapes.js';

export type KeyServices = Pick<AdminServices, 'keyring' | 'audit'>;

/** keysConfigured: the keys come from JWKS or JWKS_FILE, so this API can only show them. */
export function keyRoutes(router: Router, { keyring: stored, audit }: KeyServices, keysConfigured: boolean): void {
  const change = auditedChange(audit);
  const keyring = () => {
    if (keysConfigured) throw new KeyError('the signing keys come from JWKS or JWKS_FILE: rotate them there');
    return stored;
  };
  router.get('/keys', async (ctx) => {
    ctx.body = { keys: await keyring().status() };
  });
  router.post('/keys/rotate', async (ctx) => {
    const { leadTime = 3600 } = await readJson(ctx);
    const lead = typeof leadTime === 'number' ? leadTime : Number.NaN;
    ctx.body = { keys: await change(ctx, `keys rotate lead=${String(leadTime)}s`, 'setting', () => keyring().rotate(lead * 1000)) };
  });
  router.post('/keys/:kid/retire', async (ctx) => {
    ctx.body = { keys: await change(ctx, `keys retire ${ctx.params.kid}`, 'setting', () => keyring().retire(ctx.params.kid!)) };
  });
}

export function keysDoc(): ApiDoc {
  return {
    schemas: {
      KeyStatus: {
        type: 'object',
        properties: {
          kids: { type: 'array', items: { type: 'string' } },
          algs: { type: 'array', items: { type: 'string' } },
          state: { type: 'string', enum: ['next', 'active', 'retiring', 'retired'] },
          createdAt: { type: 'string' },
          activeFrom: { type: 'string' },
          publishedUntil: { type: 'string' },
        },
      },
    },
    paths: {
      '/keys': { get: { summary: 'signing key generations and their states', responses: { 200: ok('keys', { type: 'object', properties: { keys: { type: 'array', items: ref('KeyStatus') } } }) } } },
      '/keys/rotate': {
        post: {
          summary: 'add a generation: published now, signing after the lead time',
          requestBody: json({ type: 'object', properties: { leadTime: { type: 'integer', minimum: 0, maximum: 604800, default: 3600 } } }),
          responses: { 200: ok('keys'), 400: error },
        },
      },
      '/keys/{kid}/retire': {
        parameters: [{ name: 'kid', in: 'path', required: true, schema: { type: 'string' } }],
        post: { summary: 'stop publishing a generation that no longer signs', responses: { 200: ok('keys'), 400: error, 404: error } },
      },
    },
  };
}
