/**
 * Where an upstream's answer arrives: GET /federation/:idp/callback (OpenID Connect, the static redirect_uri
 * registered there), and `acceptAnswer` for any protocol (the SAML ACS calls it with RelayState and the POST form).
 * The pending sign-in is found by its id and consumed, the answer verified by the IdP's protocol, and the browser
 * sent to the done step of its interaction, where its interaction cookie is checked. No pending sign-in: our page, audited.
 * A refused answer is audited here, where the refusal is decided, with its reason; the done step only shows it.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AuditLog } from '../audit/audit.js';
import { answerUrlOf, type IdpRecord } from '../idps/idp-record.js';
import type { Idps } from '../idps/idps.js';
import type { PendingSignIns, UpstreamFailure } from '../idps/pending-sign-ins.js';
import type { UpstreamProtocol } from '../idps/protocol.js';
import { UpstreamError } from '../idps/upstream.js';
import type { Renderer } from './render.js';

export interface CallbackDeps {
  issuer: string;
  render: Pick<Renderer, 'localeFor' | 'page'>;
  idps: Pick<Idps, 'forSignIn'>;
  pending: Pick<PendingSignIns, 'take' | 'completeUpstreamAnswer' | 'failUpstreamAnswer'>;
  protocols: Record<IdpRecord['type'], UpstreamProtocol>;
  audit: AuditLog;
}

/** A callback's query is small: anything longer is not an answer we sent for. */
const QUERY_MAX = 8192;

/** Takes one upstream answer to its interaction's done step (a 303), or refuses it with our page (a 400). */
export type AcceptAnswer = (ctx: Context, idpName: string, pendingId: string | null, answer: URLSearchParams) => Promise<void>;

export function answerAcceptor({ issuer, render, idps, pending, protocols, audit }: CallbackDeps): AcceptAnswer {
  return async (ctx, idpName, pendingId, answer) => {
    const name = idpName.slice(0, 64);
    const refuse = (why: string) => {
      audit.record({ type: 'login', outcome: 'failure', ip: ctx.ip, action: `idp ${name} callback: ${why}` });
      const locale = render.localeFor(ctx);
      render.page(ctx, 400, 'error', locale, { title: locale.t('federation.callback.title'), message: locale.t('federation.callback.message'), code: 'no_pending_sign_in' });
    };
    const signIn = await pending.take(pendingId);
    if (!signIn) return refuse('no pending sign-in for its state (replayed, expired or forged)');
    if (signIn.idp !== idpName) return refuse(`state belongs to idp ${signIn.idp}`);
    const idp = await idps.forSignIn(signIn.idp);
    const fail = (failure: UpstreamFailure) => {
      audit.record({ type: 'login', outcome: 'failure', ...(signIn.client ? { client: signIn.client } : {}), ip: ctx.ip, action: `idp ${name}: ${failure.code}: ${failure.message}` });
      return pending.failUpstreamAnswer(signIn, failure);
    };
    let next: string;
    if (!idp?.enabled) {
      next = await fail({ code: 'unavailable', message: 'the idp was removed or disabled during the sign-in', oauthError: 'access_denied' });
    } else {
      try {
        const identity = await protocols[idp.type].finish(idp, answer, signIn.keep, { callbackUrl: answerUrlOf(issuer, idp) });
        next = await pending.completeUpstreamAnswer(signIn, identity);
      } catch (err) {
        if (!(err instanceof UpstreamError)) throw err;
        next = await fail({ code: err.code, message: err.message, oauthError: err.oauthError });
      }
    }
    ctx.status = 303;
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(next);
  };
}

export function federationCallback(deps: CallbackDeps, accept: AcceptAnswer = answerAcceptor(deps)): Router {
  const router = new Router({ prefix: '/federation' });
  router.get('/:idp/callback', async (ctx) => {
    if (ctx.querystring.length > QUERY_MAX) {
      deps.audit.record({ type: 'login', outcome: 'failure', ip: ctx.ip, action: `idp ${String(ctx.params.idp).slice(0, 64)} callback: query too long` });
      ctx.throw(414, 'query too long');
    }
    const answer = new URLSearchParams(ctx.querystring);
    await accept(ctx, String(ctx.params.idp), answer.get('state'), answer);
  });
  return router;
}
