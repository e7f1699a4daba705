/** The console's audit page: the latest changes, filtered by user or client. */
import type { AdminServices } from '../services.js';
import { t, type ConsoleMount } from './shared.js';

export type AuditServices = Pick<AdminServices, 'audit'>;

/** The events shown: the newest this many that match the filter. */
const TAIL = 100;

export function auditRoutes({ router, requireAdmin, page }: ConsoleMount, { audit }: AuditServices) {
  router.get('/audit', requireAdmin, async (ctx) => {
    const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    const filter = { user: text(ctx.query.user), client: text(ctx.query.client) };
    const events = await audit.tail(TAIL, filter);
    page(ctx, 'admin/audit', 'audit', { title: t(ctx)('admin.nav.audit'), events, filter: { user: filter.user ?? '', client: filter.client ?? '' } });
  });
}
