/** The console's user pages: the searchable list, creating a user, and enabling, disabling, a new password or role, a second-factor reset. */
import type { Context } from 'koa';
import { ROLES, type UserView } from '../../accounts/users.js';
import { isRefusal } from '../../errors.js';
import { STANDARD_CLAIMS } from '../../oidc/claims.js';
import type { AdminServices } from '../services.js';
import { fieldErrors } from './forms.js';
import { consoleChange, form, notFound, t, type ConsoleMount } from './shared.js';

export type UserServices = Pick<AdminServices, 'users' | 'audit' | 'groups' | 'mfa'>;

/** A claim value as typed: JSON when it parses as JSON, a string otherwise; empty removes the claim. */
const claimValue = (text: string): unknown => {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** The user's claims beyond the standard ones, one "name = JSON" line each, for the list. */
const customClaimsOf = (u: UserView) => Object.entries(u.claims).filter(([name]) => !STANDARD_CLAIMS.has(name)).map(([name, value]) => `${name} = ${JSON.stringify(value)}`);

const userMatches = (u: UserView, q: string) =>
  !q || [u.username, u.sub, u.claims.email, u.claims.name].some((v) => typeof v === 'string' && v.toLowerCase().includes(q.toLowerCase()));

export function userRoutes({ router, requireAdmin, page }: ConsoleMount, services: UserServices) {
  const { users, mfa } = services;
  const change = consoleChange(services.audit);

  /** Every answer here is the list page: after a change it carries a notice, after a refusal the errors. */
  async function usersPage(ctx: Context, values: Record<string, string> = {}, errors = {}, status = 200, notice?: string) {
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim() : '';
    const matching = (await users.list()).filter((u) => userMatches(u, q)).map((u) => ({ ...u, customClaims: customClaimsOf(u) }));
    // Each listed user's second factors (what is enrolled, never a key): the reset button shows where there is one.
    const factors = Object.fromEntries(await Promise.all(matching.map(async (u) => [u.sub, await mfa.summary(u.sub)] as const)));
    const formValues = { username: '', email: '', fullName: '', role: 'user', ...values };
    const groupNames = (await services.groups.list()).map((g) => g.name);
    page(ctx, 'admin/users', 'users', { title: t(ctx)('admin.nav.users'), users: matching, factors, q, roles: ROLES, form: formValues, errors, notice, groupNames }, status);
  }
  router.get('/users', requireAdmin, (ctx) => usersPage(ctx));
  router.post('/users', requireAdmin, async (ctx) => {
    const f = form(ctx);
    const values = { username: f.get('username') ?? '', email: f.get('email')?.trim() ?? '', fullName: f.get('fullName')?.trim() ?? '', role: f.get('role') ?? 'user' };
    const claims = { ...(values.email ? { email: values.email } : {}), ...(values.fullName ? { name: values.fullName } : {}) };
    try {
      const created = await change(ctx, 'user create', 'user', () => users.create({ username: values.username, password: f.get('password') ?? '', claims, role: values.role }), undefined, (u) => u.username);
      await usersPage(ctx, {}, {}, 201, t(ctx)('admin.users.created', { user: created.username }));
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await usersPage(ctx, values, fieldErrors((err as Error).message), 400);
    }
  });
  const userAction = (path: string, action: string, run: (ctx: Context, username: string) => Promise<unknown>, notice: string) =>
    router.post(`/users/:username/${path}`, requireAdmin, async (ctx) => {
      const username = ctx.params.username!;
      try {
        await change(ctx, action, 'user', () => run(ctx, username), username);
        await usersPage(ctx, {}, {}, 200, t(ctx)(notice, { user: username }));
      } catch (err) {
        if (!isRefusal(err) || err.code === 'not_found') return notFound(err);
        await usersPage(ctx, {}, { form: [(err as Error).message] }, 400);
      }
    });
  userAction('enable', 'user enable', (_ctx, username) => users.setDisabled(username, false), 'admin.users.enabled');
  userAction('disable', 'user disable', (_ctx, username) => users.setDisabled(username, true), 'admin.users.disabled');
  userAction('password', 'user set-password', (ctx, username) => users.setPassword(username, form(ctx).get('password') ?? ''), 'admin.users.password_changed');
  userAction('mfa-reset', 'user mfa reset', async (_ctx, username) => {
    await mfa.reset((await users.require(username)).sub);
    await users.endSessions(username);
  }, 'admin.users.mfa_reset_done');
  userAction('role', 'user update', (ctx, username) => users.update(username, { role: form(ctx).get('role') ?? '' }), 'admin.users.role_changed');
  // The user's groups (those ticked) and one custom claim at a time: a value that parses as JSON is JSON, empty removes it.
  userAction('groups', 'user update (groups)', async (ctx, username) => users.update(username, { groups: await services.groups.resolve(form(ctx).getAll('groups')) }), 'claims.groups_changed');
  userAction('claim', 'user update (claims)', (ctx, username) => users.update(username, { claims: { [form(ctx).get('name')?.trim() ?? '']: claimValue(form(ctx).get('value') ?? '') } }), 'claims.claim_changed');
}
