/**
 * The console's audit page: the latest changes, filtered by user (username or sub) or client, with each account's
 * username beside its sub.
 */
import type { AuditEvent } from '../../audit/audit-event.js';
import type { AdminServices } from '../services.js';
import { t, type ConsoleMount } from './shared.js';

export type AuditServices = Pick<AdminServices, 'audit' | 'users'>;

/** The events shown: the newest this many that match the filter. */
const TAIL = 100;

/** Events name an account by its sub once signed in (by the name typed before): the usernames of the subs shown. */
async function usernamesOf(events: readonly AuditEvent[], users: AuditServices['users']): Promise<Map<string, string>> {
  const subs = [...new Set(events.map((e) => e.user).filter((u): u is string => !!u))];
  const found = await Promise.all(subs.map(async (sub) => [sub, (await users.findBySub(sub))?.username] as const));
  return new Map(found.filter((entry): entry is readonly [string, string] => !!entry[1] && entry[1] !== entry[0]));
}

/** Two lists, each newest first, as one: the newest TAIL. */
const newest = (lists: AuditEvent[][]): AuditEvent[] => lists.flat().sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)).slice(0, TAIL);

export function auditRoutes({ router, requireAdmin, page }: ConsoleMount, { audit, users }: AuditServices) {
  router.get('/audit', requireAdmin, async (ctx) => {
    const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    const filter = { user: text(ctx.query.user), client: text(ctx.query.client) };
    // A username typed in the filter also finds the account's events by sub (those of a signed-in account).
    const account = filter.user ? await users.findByUsername(filter.user) : undefined;
    const events = account && account.sub !== filter.user ? newest(await Promise.all([audit.tail(TAIL, filter), audit.tail(TAIL, { ...filter, user: account.sub })])) : await audit.tail(TAIL, filter);
    const usernames = await usernamesOf(events, users);
    const shown = events.map((e) => ({ ...e, username: e.user ? usernames.get(e.user) : undefined }));
    page(ctx, 'admin/audit', 'audit', { title: t(ctx)('admin.nav.audit'), events: shown, filter: { user: filter.user ?? '', client: filter.client ?? '' } });
  });
}
