/** The console's runtime settings page: each setting with its value in force, and changing one. */
import type { Context } from 'koa';
import { isRefusal } from '../../errors.js';
import { SETTING_KEYS } from '../../settings/provider-settings.js';
import type { AdminServices } from '../services.js';
import { CONSOLE_PATH } from './console-client.js';
import { consoleChange, form, t, type ConsoleMount } from './shared.js';

export type SettingServices = Pick<AdminServices, 'providerSettings' | 'audit'>;

export function settingRoutes({ router, requireAdmin, page }: ConsoleMount, services: SettingServices) {
  const { providerSettings } = services;
  const change = consoleChange(services.audit);

  async function settingsPage(ctx: Context, errors = {}, status = 200) {
    const current = await providerSettings.read();
    const entries = SETTING_KEYS.map((key) => ({ key, value: current[key], boolean: typeof current[key] === 'boolean' }));
    page(ctx, 'admin/settings', 'settings', { title: t(ctx)('admin.nav.settings'), entries, errors }, status);
  }
  router.get('/settings', requireAdmin, (ctx) => settingsPage(ctx));
  router.post('/settings', requireAdmin, async (ctx) => {
    const key = form(ctx).get('key') ?? '';
    const value = form(ctx).get('value')?.trim() ?? '';
    try {
      await change(ctx, `settings set ${key}=${value}`, 'setting', () => providerSettings.set(key, value));
      ctx.status = 303;
      ctx.redirect(`${CONSOLE_PATH}/settings`);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      // A refusal about a known setting sits beside it; one about an unknown key, above the form.
      await settingsPage(ctx, { [(SETTING_KEYS as readonly string[]).includes(key) ? key : 'form']: [(err as Error).message] }, 400);
    }
  });
}
