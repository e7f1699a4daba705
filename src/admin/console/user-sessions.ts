/** The console's page of one user's sessions: each with its device, address and clients, signed out one by one or all at once (with back-channel logout). */
import type { Context } from 'koa';
import { isRefusal } from '../../errors.js';
import type { AdminServices } from '../services.js';
import { consoleChange, consoleOf, form, notFound, t, type ConsoleMount } from './shared.js';

export type UserSessionServices = Pick<AdminServices, 'users' | 'sessions' | 'audit'>;

const shownTime = (iso: string | undefined) => (iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : '');

export function userSessionRoutes({ router, requireAdmin, page }: ConsoleMount, { users, sessions, audit }: UserSessionServices) {
  const change = consoleChange(audit);

  async function sessionsPage(ctx: Context, username: string, notice?: string, status = 200) {
    const user = await users.require(username).catch(notFound);
    const listed = await sessions.list(user.sub);
    page(ctx, 'admin/user-sessions', 'users', {
      title: t(ctx)('singleLogout.console.title', { user: user.username }),
      username: user.username,
      sessions: listed.map((s) => ({ ...s, device: [s.browser, s.os].filter(Boolean).join(' · '), signedIn: shownTime(s.signedInAt), lastSeen: shownTime(s.lastSeenAt) })),
      notice,
    }, status);
  }

  router.get('/users/:username/sessions', requireAdmin, (ctx) => sessionsPage(ctx, ctx.params.username!));
  router.post('/users/:username/sign-out', requireAdmin, async (ctx) => {
    const username = ctx.params.username!;
    const handle = form(ctx).get('session') || undefined;
    const actor = `console:${consoleOf(ctx).user.username}`;
    try {
      const ended = await change(ctx, 'user sign-out', 'user', async () => sessions.end((await users.require(username)).sub, `signed out by ${actor}`, handle?.slice(0, 64)), username);
      await sessionsPage(ctx, username, t(ctx)('singleLogout.console.signed_out', { count: ended.length }));
    } catch (err) {
      if (!isRefusal(err) || err.code === 'not_found') return notFound(err);
      throw err;
    }
  });
}
