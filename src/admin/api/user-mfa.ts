/** A user's second factors in the admin API: what is enrolled (never a key or a code), and a reset for a lost phone; and their part of the OpenAPI document. */
import type Router from '@koa/router';
import type { AdminServices } from '../services.js';
import { auditedChange } from './change.js';
import { error, ok, ref, type ApiDoc } from './openapi-shapes.js';

export type UserMfaServices = Pick<AdminServices, 'users' | 'mfa' | 'audit'>;

export function userMfaRoutes(router: Router, { users, mfa, audit }: UserMfaServices): void {
  const change = auditedChange(audit);
  router.get('/users/:username/mfa', async (ctx) => {
    const user = await users.require(ctx.params.username!);
    ctx.body = { user: user.username, ...(await mfa.summary(user.sub)) };
  });
  router.delete('/users/:username/mfa', async (ctx) => {
    const reset = async () => {
      const user = await users.require(ctx.params.username!);
      const removed = await mfa.reset(user.sub);
      // A credential changed: what the old factors opened ends, as after a new password.
      await users.endSessions(user.username);
      return { user: user.username, removed };
    };
    ctx.body = await change(ctx, 'user mfa reset', 'user', reset);
  });
}

const userParam = { name: 'username', in: 'path', required: true, schema: { type: 'string' } };
const summary = {
  type: 'object',
  properties: {
    user: { type: 'string' },
    totp: { type: 'boolean', description: 'an authenticator app is enrolled' },
    totpEnrolledAt: { type: 'string' },
    recoveryCodesLeft: { type: 'integer' },
    recoveryCodesCreatedAt: { type: 'string' },
    passkeys: { type: 'integer' },
    passkeyList: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          createdAt: { type: 'string' },
          synced: { type: 'boolean', description: 'backup eligible (WebAuthn BE): signs in as amr swk; false: bound to one device, amr hwk; absent: unknown until its next use' },
          backedUp: { type: 'boolean', description: 'backed up (WebAuthn BS) as of its registration or last use' },
        },
      },
    },
  },
};

export function userMfaDoc(): ApiDoc {
  return {
    schemas: { MfaSummary: summary },
    paths: {
      '/users/{username}/mfa': {
        parameters: [userParam],
        get: { summary: "the user's second factors (never a key or a code)", responses: { 200: ok('factors', ref('MfaSummary')), 404: error } },
        delete: {
          summary: "reset (a lost phone): every factor removed and the user's sessions and tokens ended; the next sign-in that needs one enrols anew",
          responses: { 200: ok('what was removed', { type: 'object', properties: { user: { type: 'string' }, removed: ref('MfaSummary') } }), 404: error },
        },
      },
    },
  };
}
