/** A user's sessions in the admin API: list them, and sign the user out (all sessions, or one) with back-channel logout; and their part of the OpenAPI document. */
import type Router from '@koa/router';
import type { AdminServices } from '../services.js';
import { actorOf } from './auth.js';
import { auditedChange } from './change.js';
import { error, ok, ref, type ApiDoc } from './openapi-shapes.js';

export type UserSessionServices = Pick<AdminServices, 'users' | 'sessions' | 'audit'>;

export function userSessionRoutes(router: Router, { users, sessions, audit }: UserSessionServices): void {
  const change = auditedChange(audit);
  router.get('/users/:username/sessions', async (ctx) => {
    const user = await users.require(ctx.params.username!);
    ctx.body = { sessions: await sessions.list(user.sub) };
  });
  router.post('/users/:username/sign-out', async (ctx) => {
    const signOut = async () => sessions.end((await users.require(ctx.params.username!)).sub, `signed out by ${actorOf(ctx)}`);
    ctx.body = { ended: await change(ctx, 'user sign-out', 'user', signOut) };
  });
  router.delete('/users/:username/sessions/:session', async (ctx) => {
    const signOut = async () => sessions.end((await users.require(ctx.params.username!)).sub, `signed out by ${actorOf(ctx)}`, ctx.params.session!);
    ctx.body = { ended: await change(ctx, 'user sign-out', 'user', signOut) };
  });
}

const userParam = { name: 'username', in: 'path', required: true, schema: { type: 'string' } };
const ended = ok('the sessions ended', { type: 'object', properties: { ended: { type: 'array', items: ref('Session') } } });

export function userSessionsDoc(): ApiDoc {
  return {
    schemas: {
      Session: {
        type: 'object',
        properties: {
          id: { type: 'string', description: "the session's handle (a digest of its id, never the cookie's value)" },
          signedInAt: { type: 'string' },
          expiresAt: { type: 'string' },
          amr: { type: 'array', items: { type: 'string' } },
          clients: { type: 'array', items: { type: 'string' }, description: 'the clients it signed into' },
        },
      },
    },
    paths: {
      '/users/{username}/sessions': {
        parameters: [userParam],
        get: { summary: "the user's active sessions, newest first", responses: { 200: ok('sessions', { type: 'object', properties: { sessions: { type: 'array', items: ref('Session') } } }), 404: error } },
      },
      '/users/{username}/sign-out': {
        parameters: [userParam],
        post: { summary: 'end every session of the user; each client they signed into that registered a back-channel logout URI gets a logout_token', responses: { 200: ended, 404: error } },
      },
      '/users/{username}/sessions/{session}': {
        parameters: [userParam, { name: 'session', in: 'path', required: true, schema: { type: 'string' } }],
        delete: { summary: 'end one session of the user (with back-channel logout)', responses: { 200: ended, 404: error } },
      },
    },
  };
}
