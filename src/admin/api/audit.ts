/** The audit trail in the admin API: the newest events, filtered; and its part of the OpenAPI document. */
import type Router from '@koa/router';
import type { AuditType } from '../../audit/audit.js';
import { FIELD_BOUNDS } from '../../audit/audit-event.js';
import { BodyError } from '../../http/body.js';
import type { AdminServices } from '../services.js';
import { error, ok, ref, type ApiDoc } from './openapi-shapes.js';

export type AuditServices = Pick<AdminServices, 'audit'>;

export function auditRoutes(router: Router, { audit }: AuditServices): void {
  router.get('/audit', async (ctx) => {
    const limit = Number(ctx.query.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new BodyError('limit: a whole number from 1 to 10000', 400);
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    ctx.body = { events: await audit.tail(limit, { user: text(ctx.query.user), client: text(ctx.query.client), type: text(ctx.query.type) as AuditType | undefined }) };
  });
}

export function auditDoc(): ApiDoc {
  return {
    schemas: {
      AuditEvent: {
        type: 'object',
        // The stored event of docs/audit.md.
        properties: {
          ...Object.fromEntries(['time', 'type', 'outcome'].map((k) => [k, { type: 'string' }])),
          ...Object.fromEntries(Object.entries(FIELD_BOUNDS).map(([k, max]) => [k, { type: 'string', maxLength: max }])),
          count: { type: 'integer', minimum: 1 },
          truncated: { type: 'boolean', const: true },
        },
      },
    },
    paths: {
      '/audit': {
        get: {
          summary: 'the newest audit events, newest first',
          parameters: ['limit', 'user', 'client', 'type'].map((name) => ({ name, in: 'query', schema: { type: name === 'limit' ? 'integer' : 'string' } })),
          responses: { 200: ok('events', { type: 'object', properties: { events: { type: 'array', items: ref('AuditEvent') } } }), 400: error },
        },
      },
    },
  };
}
