/** Groups in the admin API: list, create, show with a page of members, change, delete, add and remove members; and their part of the OpenAPI document. */
import type Router from '@koa/router';
import { readJson } from '../../http/body.js';
import { AppError } from '../../errors.js';
import type { AdminServices } from '../services.js';
import { auditedChange } from './change.js';
import { error, json, ok, ref, type ApiDoc } from './openapi-shapes.js';
import { ADMIN_API } from './prefix.js';

export type GroupServices = Pick<AdminServices, 'groups' | 'audit'>;

const text = (value: unknown, field: string): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new AppError('invalid', `${field}: a string`, { field });
  return value;
};

function usernamesOf(body: Record<string, unknown>): string[] {
  const { usernames } = body;
  if (!Array.isArray(usernames) || usernames.length === 0 || usernames.length > 500 || !usernames.every((u) => typeof u === 'string')) {
    throw new AppError('invalid', 'usernames: a list of 1 to 500 usernames', { field: 'usernames' });
  }
  return usernames as string[];
}

const count = (value: unknown, field: string, fallback: number) => {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,6}$/.test(value)) throw new AppError('invalid', `${field}: a whole number`, { field });
  return Number(value);
};

export function groupRoutes(router: Router, { groups, audit }: GroupServices): void {
  const change = auditedChange(audit);
  router.get('/groups', async (ctx) => {
    ctx.body = { groups: await groups.list() };
  });
  router.post('/groups', async (ctx) => {
    const input = await readJson(ctx);
    const name = text(input.name, 'name') ?? '';
    const created = await change(ctx, `group create ${name}`.slice(0, 200), 'setting', () => groups.create({ name, description: text(input.description, 'description') }));
    ctx.status = 201;
    ctx.set('Location', `${ADMIN_API}/groups/${encodeURIComponent(created.name)}`);
    ctx.body = created;
  });
  router.get('/groups/:name', async (ctx) => {
    const group = await groups.require(ctx.params.name!);
    const page = await groups.members(group.name, count(ctx.query.offset, 'offset', 0), count(ctx.query.limit, 'limit', 100));
    ctx.body = { ...group, members: page.members, memberCount: page.total, ...(page.next !== undefined ? { next: page.next } : {}) };
  });
  router.patch('/groups/:name', async (ctx) => {
    const input = await readJson(ctx);
    ctx.body = await change(ctx, `group update ${ctx.params.name}`.slice(0, 200), 'setting', () => groups.update(ctx.params.name!, { description: text(input.description, 'description') }));
  });
  router.delete('/groups/:name', async (ctx) => {
    await change(ctx, `group delete ${ctx.params.name}`.slice(0, 200), 'setting', () => groups.delete(ctx.params.name!));
    ctx.status = 204;
  });
  router.post('/groups/:name/members', async (ctx) => {
    const usernames = usernamesOf(await readJson(ctx));
    const users = await change(ctx, `group add-member ${ctx.params.name} ${usernames.join(' ')}`.slice(0, 200), 'setting', () => groups.addMembers(ctx.params.name!, usernames));
    ctx.body = { users: users.map((u) => ({ username: u.username, groups: u.groups ?? [] })) };
  });
  router.delete('/groups/:name/members/:username', async (ctx) => {
    await change(ctx, `group remove-member ${ctx.params.name} ${ctx.params.username}`.slice(0, 200), 'setting', () => groups.removeMembers(ctx.params.name!, [ctx.params.username!]));
    ctx.status = 204;
  });
}

const nameParam = { name: 'name', in: 'path', required: true, schema: { type: 'string' }, description: 'matched whatever its case' };

export function groupsDoc(): ApiDoc {
  return {
    schemas: {
      Group: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', maxLength: 64, description: 'case-preserving, unique whatever the case: letters, digits, space and . _ : @ + / -' },
          description: { type: 'string', maxLength: 300 },
          createdAt: { type: 'string' },
          updatedAt: { type: 'string' },
        },
      },
    },
    paths: {
      '/groups': {
        get: { summary: 'list groups', responses: { 200: ok('groups', { type: 'object', properties: { groups: { type: 'array', items: ref('Group') } } }) } },
        post: { summary: 'create a group', requestBody: json(ref('Group')), responses: { 201: ok('created', ref('Group')), 400: error, 409: error } },
      },
      '/groups/{name}': {
        parameters: [nameParam],
        get: {
          summary: 'show a group and a page of its members (by username, in byte order)',
          parameters: [
            { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          ],
          responses: { 200: ok('the group', { allOf: [ref('Group'), { type: 'object', properties: { members: { type: 'array', items: { type: 'string' } }, memberCount: { type: 'integer', description: 'how many members the group has in all' }, next: { type: 'integer', description: 'the offset of the next page, if any' } } }] }), 400: error, 404: error },
        },
        patch: { summary: 'change the description', requestBody: json({ type: 'object', properties: { description: { type: 'string' } } }), responses: { 200: ok('the group', ref('Group')), 400: error, 404: error } },
        delete: { summary: 'delete the group and every membership in it', responses: { 204: ok('deleted'), 404: error } },
      },
      '/groups/{name}/members': {
        parameters: [nameParam],
        post: {
          summary: 'add users to the group (every user is checked before any is changed)',
          requestBody: json({ type: 'object', required: ['usernames'], properties: { usernames: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 500 } } }),
          responses: { 200: ok('the users and their groups'), 400: error, 404: error },
        },
      },
      '/groups/{name}/members/{username}': {
        parameters: [nameParam, { name: 'username', in: 'path', required: true, schema: { type: 'string' } }],
        delete: { summary: 'remove a user from the group', responses: { 204: ok('removed'), 404: error } },
      },
    },
  };
}
