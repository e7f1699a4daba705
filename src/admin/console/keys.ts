/** The console's signing keys page: the keys in service and rotating to a new one after a lead time. */
import type { Context } from 'koa';
import { isRefusal } from '../../errors.js';
import type { AdminServices } from '../services.js';
import { CONSOLE_PATH } from './console-client.js';
import { consoleChange, form, t, type ConsoleMount } from './shared.js';

/** A stored moment, or undefined for the epoch (keys stored before their creation time was kept). */
const real = (iso: string): string | undefined => (Date.parse(iso) > 0 ? iso : undefined);

export type KeyServices = Pick<AdminServices, 'keyring' | 'audit'>;

/** `keysConfigured`: the signing keys come from JWKS/JWKS_FILE, so there is nothing to rotate here. */
export function keyRoutes({ router, requireAdmin, page }: ConsoleMount, services: KeyServices, keysConfigured: boolean) {
  const { keyring } = services;
  const change = consoleChange(services.audit);

  async function keysPage(ctx: Context, errors = {}, status = 200) {
    const keys = keysConfigured ? [] : await keyring.status();
    const shown = keys.filter((k) => k.state !== 'retired').map((k) => ({ ...k, createdAt: real(k.createdAt), signsFrom: real(k.activeFrom) }));
    page(ctx, 'admin/keys', 'keys', { title: t(ctx)('admin.nav.keys'), keys: shown, configured: keysConfigured, errors }, status);
  }
  router.get('/keys', requireAdmin, (ctx) => keysPage(ctx));
  router.post('/keys/rotate', requireAdmin, async (ctx) => {
    if (keysConfigured) return keysPage(ctx, { form: [t(ctx)('admin.keys.configured')] }, 400);
    const text = form(ctx).get('leadTime')?.trim() ?? '';
    const lead = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    try {
      await change(ctx, `keys rotate lead=${text}s`, 'setting', () => keyring.rotate(lead * 1000));
      ctx.status = 303;
      ctx.redirect(`${CONSOLE_PATH}/keys`);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await keysPage(ctx, { leadTime: [(err as Error).message] }, 400);
    }
  });
}
