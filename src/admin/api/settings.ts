/** The runtime provider settings in the admin API: read them, set one; and their part of the OpenAPI document. */
import type Router from '@koa/router';
import { readJson } from '../../http/body.js';
import { SETTING_KEYS } from '../../settings/provider-settings.js';
import { MFA_REQUIRED_VALUES } from '../../mfa/policy.js';
import type { AdminServices } from '../services.js';
import { auditedChange } from './change.js';
import { error, json, ok, ref, type ApiDoc } from './openapi-shapes.js';

export type SettingServices = Pick<AdminServices, 'providerSettings' | 'audit'>;

export function settingRoutes(router: Router, { providerSettings, audit }: SettingServices): void {
  const change = auditedChange(audit);
  router.get('/settings', async (ctx) => {
    ctx.body = await providerSettings.read();
  });
  router.put('/settings/:key', async (ctx) => {
    const { value } = await readJson(ctx);
    const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
    ctx.body = await change(ctx, `settings set ${ctx.params.key}=${text}`, 'setting', () => providerSettings.set(ctx.params.key!, text));
  });
}

export function settingsDoc(): ApiDoc {
  return {
    schemas: {
      Settings: {
        type: 'object',
        properties: Object.fromEntries(SETTING_KEYS.map((k) => [k, k === 'mfa.required' ? { type: 'string', enum: [...MFA_REQUIRED_VALUES] } : { type: k.startsWith('ttl.') || k === 'claims.groups_max' ? 'integer' : k.startsWith('paths.') || k.startsWith('account.') ? 'string' : 'boolean' }])),
      },
    },
    paths: {
      '/settings': {
        get: { summary: 'the provider settings in force', responses: { 200: ok('settings', ref('Settings')) } },
      },
      '/settings/{key}': {
        parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string', enum: [...SETTING_KEYS] } }],
        put: {
          summary: 'set one; every instance follows within a few seconds',
          requestBody: json({ type: 'object', required: ['value'], properties: { value: { type: ['boolean', 'integer', 'string'] } } }),
          responses: { 200: ok('settings', ref('Settings')), 400: error },
        },
      },
    },
  };
}
