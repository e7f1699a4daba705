/** The console's group pages: the groups with a page of their members, creating and deleting a group, adding and removing members. */
import type { Context } from 'koa';
import { AppError, isRefusal } from '../../errors.js';
import type { AdminServices } from '../services.js';
import { consoleChange, form, notFound, t, type ConsoleMount } from './shared.js';

export type GroupServices = Pick<AdminServices, 'groups' | 'audit'>;

/** How many members each group shows on the page; the rest are a command (group show --offset) or an API call away. */
const MEMBERS_SHOWN = 100;

export function groupRoutes({ router, requireAdmin, page }: ConsoleMount, services: GroupServices) {
  const { groups } = services;
  const change = consoleChange(services.audit);

  async function groupsPage(ctx: Context, errors: Record<string, string[]> = {}, status = 200, notice?: string, values = { name: '', description: '' }) {
    const list = await Promise.all(
      (await groups.list()).map(async (g) => {
        const members = await groups.members(g.name, 0, MEMBERS_SHOWN);
        return { ...g, members: members.members, memberCount: members.total, more: members.next !== undefined };
      }),
    );
    page(ctx, 'admin/groups', 'groups', { title: t(ctx)('admin.nav.groups'), groups: list, form: values, errors, notice }, status);
  }

  /** Runs a change and answers with the list page: a notice when done, the refusal beside the form when not. */
  const act = async (ctx: Context, action: string, run: () => Promise<unknown>, notice: string, values?: { name: string; description: string }) => {
    try {
      await change(ctx, action.slice(0, 200), 'setting', run);
      await groupsPage(ctx, {}, 200, notice);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      if (err.code === 'not_found' && !values) return notFound(err);
      await groupsPage(ctx, { [values ? 'name' : 'form']: [(err as Error).message] }, err.code === 'not_found' ? 404 : err.code === 'exists' ? 409 : 400, undefined, values);
    }
  };

  router.get('/groups', requireAdmin, (ctx) => groupsPage(ctx));
  router.post('/groups', requireAdmin, async (ctx) => {
    const values = { name: form(ctx).get('name')?.trim() ?? '', description: form(ctx).get('description')?.trim() ?? '' };
    await act(ctx, `group create ${values.name}`, () => groups.create({ name: values.name, description: values.description || undefined }), t(ctx)('groups.created', { group: values.name }), values);
  });
  router.post('/groups/:name/delete', requireAdmin, (ctx) =>
    act(ctx, `group delete ${ctx.params.name}`, () => groups.delete(ctx.params.name!), t(ctx)('groups.deleted', { group: ctx.params.name! })),
  );
  router.post('/groups/:name/members', requireAdmin, async (ctx) => {
    const usernames = (form(ctx).get('usernames') ?? '').split(/[\s,]+/).filter(Boolean);
    await act(ctx, `group add-member ${ctx.params.name} ${usernames.join(' ')}`, async () => {
      if (!usernames.length || usernames.length > 500) throw new AppError('invalid', 'usernames: 1 to 500 usernames');
      return groups.addMembers(ctx.params.name!, usernames);
    }, t(ctx)('groups.members_added', { group: ctx.params.name! }));
  });
  router.post('/groups/:name/members/:username/remove', requireAdmin, (ctx) =>
    act(ctx, `group remove-member ${ctx.params.name} ${ctx.params.username}`, () => groups.removeMembers(ctx.params.name!, [ctx.params.username!]), t(ctx)('groups.member_removed', { group: ctx.params.name!, user: ctx.params.username! })),
  );
}
