/** Users and their consents in the admin API: list, create, show, change, password, enable and disable, consents, delete; and their part of the OpenAPI document. */
import type Router from '@koa/router';
import { z } from 'zod';
import { ROLES, toView } from '../../accounts/users.js';
import { readJson } from '../../http/body.js';
import { AppError } from '../../errors.js';
import { subSchema } from '../../oidc/subject.js';
import type { AdminServices } from '../services.js';
import { actorOf } from './auth.js';
import { auditedChange, unchecked } from './change.js';
import { error, json, ok, ref, type ApiDoc } from './openapi-shapes.js';
import { ADMIN_API } from './prefix.js';

export type UserServices = Pick<AdminServices, 'users' | 'consents' | 'audit' | 'groups'>;

export function userRoutes(router: Router, { users, consents, audit, groups }: UserServices): void {
  const change = auditedChange(audit);
  /** `groups` in a body names groups that exist: resolved to their names as created, or refused (nothing changed). */
  const withGroups = async (input: Record<string, unknown>) => {
    if (input.groups === undefined) return input;
    if (!Array.isArray(input.groups) || !input.groups.every((g) => typeof g === 'string')) throw new AppError('invalid', 'groups: a list of group names', { field: 'groups' });
    return { ...input, groups: await groups.resolve(input.groups as string[]) };
  };
  router.get('/users', async (ctx) => {
    ctx.body = { users: await users.list() };
  });
  router.post('/users', async (ctx) => {
    const input = await readJson(ctx);
    const created = await change(ctx, 'user create', 'user', async () => users.create(unchecked(await withGroups(input))), (u) => u.username);
    ctx.status = 201;
    ctx.set('Location', `${ADMIN_API}/users/${encodeURIComponent(created.username)}`);
    ctx.body = created;
  });
  router.get('/users/:username', async (ctx) => {
    ctx.body = toView(await users.require(ctx.params.username!));
  });
  router.patch('/users/:username', async (ctx) => {
    const input = await readJson(ctx);
    ctx.body = await change(ctx, `user update${changeDetail(input)}`.slice(0, 200), 'user', async () => users.update(ctx.params.username!, unchecked(await withGroups(input))));
  });
  router.put('/users/:username/password', async (ctx) => {
    const { password } = await readJson(ctx);
    await change(ctx, 'user set-password', 'user', () => users.setPassword(ctx.params.username!, typeof password === 'string' ? password : ''));
    ctx.status = 204;
  });
  for (const [path, disabled] of [['enable', false], ['disable', true]] as const) {
    router.post(`/users/:username/${path}`, async (ctx) => {
      ctx.body = await change(ctx, `user ${path}`, 'user', () => users.setDisabled(ctx.params.username!, disabled));
    });
  }
  router.get('/users/:username/consents', async (ctx) => {
    const user = await users.require(ctx.params.username!);
    ctx.body = { consents: await consents.list(user.sub) };
  });
  router.delete('/users/:username/consents/:client', async (ctx) => {
    const revoke = async () => consents.revoke((await users.require(ctx.params.username!)).sub, ctx.params.client!, actorOf(ctx));
    ctx.body = { revoked: await change(ctx, 'user revoke-consent', 'user', revoke) };
  });
  router.delete('/users/:username', async (ctx) => {
    await change(ctx, 'user delete', 'user', () => users.delete(ctx.params.username!));
    ctx.status = 204;
  });
}

/** The claims and groups a change names, for the audit trail: " (claims department; groups Staff, Sales)". */
function changeDetail(input: Record<string, unknown>): string {
  const claims = input.claims && typeof input.claims === 'object' ? Object.keys(input.claims) : [];
  const groups = Array.isArray(input.groups) ? input.groups.map(String) : undefined;
  const parts = [claims.length ? `claims ${claims.join(', ')}` : '', groups ? `groups ${groups.join(', ') || '(none)'}` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

const userParam = { name: 'username', in: 'path', required: true, schema: { type: 'string' } };
const { $schema: _dialect, ...subJsonSchema } = z.toJSONSchema(subSchema);
const userInput = {
  type: 'object',
  required: ['username', 'password'],
  properties: {
    sub: { ...subJsonSchema, description: 'kept when given (a user moved from elsewhere); a random one otherwise' },
    username: { type: 'string', maxLength: 128 },
    password: { type: 'string', minLength: 8, maxLength: 1024 },
    claims: { type: 'object', description: 'standard OpenID Connect claims and custom ones (a name of at most 128 of A-Z a-z 0-9 _ . : / -, never a protocol claim; a string, number, boolean, array of strings or flat object; at most 64 custom claims and 8 KiB)' },
    role: { type: 'string', enum: [...ROLES] },
    groups: { type: 'array', items: { type: 'string' }, description: 'names of groups that exist; replaces the list' },
  },
};

/** A consent's shape: the document lists it apart from the user schemas, after the settings. */
export const consentSchemas = {
  Consent: {
    type: 'object',
    properties: {
      grantId: { type: 'string' },
      clientId: { type: 'string' },
      scope: { type: 'string' },
      claims: { type: 'array', items: { type: 'string' } },
      createdAt: { type: 'string' },
      expiresAt: { type: 'string' },
    },
  },
};

export function usersDoc(): ApiDoc {
  return {
    schemas: {
      UserInput: userInput,
      UserChange: { type: 'object', properties: { claims: { type: 'object', description: 'a null value removes the claim' }, role: userInput.properties.role, groups: userInput.properties.groups } },
      User: { type: 'object', properties: { sub: { type: 'string' }, username: { type: 'string' }, claims: { type: 'object' }, role: { type: 'string' }, disabled: { type: 'boolean' }, groups: { type: 'array', items: { type: 'string' } } } },
    },
    paths: {
      '/users': {
        get: { summary: 'list users', responses: { 200: ok('users', { type: 'object', properties: { users: { type: 'array', items: ref('User') } } }) } },
        post: { summary: 'create a user', requestBody: json(ref('UserInput')), responses: { 201: ok('created', ref('User')), 400: error, 409: error } },
      },
      '/users/{username}': {
        parameters: [userParam],
        get: { summary: 'show a user', responses: { 200: ok('the user', ref('User')), 404: error } },
        patch: { summary: 'change claims or role', requestBody: json(ref('UserChange')), responses: { 200: ok('the user', ref('User')), 400: error, 404: error } },
        delete: { summary: 'delete a user', responses: { 204: ok('deleted'), 404: error } },
      },
      '/users/{username}/password': {
        parameters: [userParam],
        put: {
          summary: 'set the password',
          requestBody: json({ type: 'object', required: ['password'], properties: { password: { type: 'string' } } }),
          responses: { 204: ok('changed'), 400: error, 404: error },
        },
      },
      '/users/{username}/enable': { parameters: [userParam], post: { summary: 'enable', responses: { 200: ok('the user', ref('User')), 404: error } } },
      '/users/{username}/disable': { parameters: [userParam], post: { summary: 'disable: no sign-in, sessions and tokens stop working', responses: { 200: ok('the user', ref('User')), 404: error } } },
      '/users/{username}/consents': {
        parameters: [userParam],
        get: { summary: "the user's consents: client, scopes, claims, expiry", responses: { 200: ok('consents', { type: 'object', properties: { consents: { type: 'array', items: ref('Consent') } } }), 400: error, 404: error } },
      },
      '/users/{username}/consents/{client}': {
        parameters: [userParam, { name: 'client', in: 'path', required: true, schema: { type: 'string' } }],
        delete: {
          summary: "revoke: the grant and its tokens end; the client's next sign-in asks for consent again",
          responses: { 200: ok('revoked', { type: 'object', properties: { revoked: { type: 'array', items: ref('Consent') } } }), 400: error, 404: error },
        },
      },
    },
  };
}
