/**
 * GET /federation/:idp/callback: the upstream OpenID Connect provider's answer (the static redirect_uri registered
 * there). Its pending sign-in is found by `state` and consumed, the answer verified, and the browser sent to the
 * done step of its interaction, where its interaction cookie is checked. No pending sign-in: our page, audited.
 */
import Router from '@koa/router';
import type { AuditLog } from '../audit/audit.js';
import { callbackUrlOf } from '../idps/idp-record.js';
import type { Idps } from '../idps/idps.js';
import type { PendingSignIns } from '../idps/pending-sign-ins.js';
import type { UpstreamProtocol } from '../idps/protocol.js';
import { UpstreamError } from '../idps/upstream.js';
import type { Renderer } from './render.js';

export interface CallbackDeps {
  issuer: string;
  render: Pick<Renderer, 'localeFor' | 'page'>;
  idps: Pick<Idps, 'forSignIn'>;
  pending: Pick<PendingSignIns, 'take' | 'completeUpstreamAnswer' | 'failUpstreamAnswer'>;
  protocols: { oidc: UpstreamProtocol };
  audit: AuditLog;
}

/** A callback's query is small: anything longer is not an answer we sent for. */
const QUERY_MAX = 8192;

export function federationCallback({ issuer, render, idps, pending, protocols, audit }: CallbackDeps): Router {
  const router = new Router({ prefix: '/federation' });
  router.get('/:idp/callback', async (ctx) => {
    const name = String(ctx.params.idp).slice(0, 64);
    const refuse = (why: string) => {
      audit.record({ type: 'login', outcome: 'failure', ip: ctx.ip, action: `idp ${name} callback: ${why}` });
      const locale = render.localeFor(ctx);
      render.page(ctx, 400, 'error', locale, { title: locale.t('federation.callback.title'), message: locale.t('federation.callback.message'), code: 'no_pending_sign_in' });
    };
    if (ctx.querystring.length > QUERY_MAX) return refuse('query too long');
    const answer = new URLSearchParams(ctx.querystring);
    const signIn = await pending.take(answer.get('state'));
    if (!signIn) return refuse('no pending sign-in for its state (replayed, expired or forged)');
    if (signIn.idp !== ctx.params.idp) return refuse(`state belongs to idp ${signIn.idp}`);
    const idp = await idps.forSignIn(signIn.idp);
    let next: string;
    if (!idp?.enabled || idp.type !== 'oidc') {
      next = await pending.failUpstreamAnswer(signIn, { code: 'unavailable', message: 'the idp was removed or disabled during the sign-in', oauthError: 'access_denied' });
    } else {
      try {
        const identity = await protocols.oidc.finish(idp, answer, signIn.keep, { callbackUrl: callbackUrlOf(issuer, idp.name) });
        next = await pending.completeUpstreamAnswer(signIn, identity);
      } catch (err) {
        if (!(err instanceof UpstreamError)) throw err;
        next = await pending.failUpstreamAnswer(signIn, { code: err.code, message: err.message, oauthError: err.oauthError });
      }
    }
    ctx.status = 303;
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(next);
  });
  return router;
}
