/** Initial access tokens for dynamic client registration in the admin API; and their part of the OpenAPI document. */
import type Router from '@koa/router';
import { MAX_EXPIRES_IN } from '../../clients/initial-access-tokens.js';
import { readJson } from '../../http/body.js';
import type { AdminServices } from '../services.js';
import { auditedChange } from './change.js';
import { error, json, ok, type ApiDoc } from './openapi-shapes.js';

export type RegistrationTokenServices = Pick<AdminServices, 'registrationTokens' | 'audit'>;

export function registrationTokenRoutes(router: Router, { registrationTokens, audit }: RegistrationTokenServices): void {
  const change = auditedChange(audit);
  router.post('/registration-tokens', async (ctx) => {
    const { expiresIn = 86_400 } = await readJson(ctx);
    const seconds = typeof expiresIn === 'number' ? expiresIn : Number.NaN;
    ctx.status = 201;
    ctx.body = await change(ctx, `registration-token create expires-in=${String(expiresIn)}s`, 'setting', () => registrationTokens.create(seconds));
  });
}

export function registrationTokensDoc(): ApiDoc {
  return {
    schemas: {},
    paths: {
      '/registration-tokens': {
        post: {
          summary: 'an initial access token for dynamic client registration, shown once',
          requestBody: json({ type: 'object', properties: { expiresIn: { type: 'integer', minimum: 60, maximum: MAX_EXPIRES_IN, default: 86400 } } }),
          responses: { 201: ok('the token', { type: 'object', properties: { token: { type: 'string' }, expires_at: { type: 'string' } } }), 400: error },
        },
      },
    },
  };
}
