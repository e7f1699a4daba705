/**
 * Sign-in through an upstream identity provider: the start (a login page button, home-realm discovery, or the
 * client's idp_hint / login_hint), and the done step that the upstream's callback sends the browser to. The done step
 * runs behind the interaction cookie, which binds the upstream answer to the browser that started it.
 */
import type { RouterMiddleware } from '@koa/router';
import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { AuditLog } from '../audit/audit.js';
import type { FederatedAccounts } from '../idps/federated-accounts.js';
import { answerUrlOf, displayNameIn, idpForLogin, type IdpRecord, type IdpView } from '../idps/idp-record.js';
import type { Idps } from '../idps/idps.js';
import type { PendingSignIns, UpstreamFailure } from '../idps/pending-sign-ins.js';
import type { UpstreamProtocol } from '../idps/protocol.js';
import { UpstreamError } from '../idps/upstream.js';
import { AppError } from '../errors.js';
import { ACR_FEDERATED } from '../oidc/acr.js';
import { AMR } from '../oidc/amr.js';
import type { Csrf } from '../pages/csrf.js';
import { epochSeconds } from '../time.js';
import { finish } from './finish.js';
import { StartAgain, type Interaction, type Loader } from './load.js';
import type { IdpButton, Renderer } from './render.js';
import type { SecondFactor } from './second-factor.js';

/** How long the list of IdPs is reused between login pages (a change takes effect within it). */
const LIST_TTL_MS = 2000;

export interface FederationDeps {
  issuer: string;
  load: Pick<Loader, 'load' | 'loadForPost'>;
  render: Pick<Renderer, 'localeFor' | 'page' | 'renderLogin'>;
  csrf: Pick<Csrf, 'tokenFor'>;
  idps: Pick<Idps, 'list' | 'forSignIn'>;
  pending: Pick<PendingSignIns, 'newId' | 'save' | 'takeAnswer'>;
  protocols: Record<IdpRecord['type'], UpstreamProtocol>;
  accounts: Pick<FederatedAccounts, 'resolve'>;
  audit: AuditLog;
  secondFactor: Pick<SecondFactor, 'needed' | 'begin'>;
}

export interface Federation {
  /** The enabled IdPs, in their order. */
  enabled(): Promise<IdpView[]>;
  buttons(lang: string): Promise<IdpButton[]>;
  /** The IdP that owns a sign-in name's domain, or the one the client named (idp_hint). */
  forLogin(login: string): Promise<IdpView | undefined>;
  forHint(interaction: Interaction): Promise<IdpView | undefined>;
  /** Sends the browser to the upstream (or shows why not). */
  start(ctx: Context, interaction: Interaction, idp: string, options?: { loginHint?: string; skippedPage?: boolean; passive?: boolean }): Promise<void>;
  /** POST /interaction/:uid/federation/:idp */
  startRoute: RouterMiddleware;
  /** GET /interaction/:uid/federation/done/:pendingId */
  doneRoute: RouterMiddleware;
}

export function federation({ issuer, load, render, csrf, idps, pending, protocols, accounts, audit, secondFactor }: FederationDeps): Federation {
  let list: { at: number; value: Promise<IdpView[]> } | undefined;
  function enabled(): Promise<IdpView[]> {
    const now = Date.now();
    if (!list || now - list.at > LIST_TTL_MS) {
      const value = idps.list().then((all) => all.filter((i) => i.enabled));
      list = { at: now, value };
      value.catch(() => (list = undefined));
    }
    return list.value;
  }

  async function buttons(lang: string): Promise<IdpButton[]> {
    return (await enabled()).map((i) => ({ name: i.name, label: displayNameIn(i.displayName, lang), logoUrl: i.logoUrl }));
  }

  const forLogin = async (login: string) => idpForLogin(await enabled(), login);

  async function forHint(interaction: Interaction): Promise<IdpView | undefined> {
    const hint = interaction.params.idp_hint;
    if (typeof hint === 'string' && hint) return (await enabled()).find((i) => i.name === hint);
    const loginHint = interaction.params.login_hint;
    return typeof loginHint === 'string' ? forLogin(loginHint) : undefined;
  }

  const clientOf = (interaction: Interaction) => String(interaction.params.client_id);

  /** The one audit entry of a failure decided here (at the start, or at the done step); the callback audits its own. */
  const audited = (ctx: Context, interaction: Interaction, idp: string, failure: UpstreamFailure) =>
    audit.record({ type: 'login', outcome: 'failure', client: clientOf(interaction), ip: ctx.ip, action: `idp ${idp}: ${failure.code}: ${failure.message}` });

  /**
   * Our page naming the sign-in that failed, with the way back to the login page, or the client told at once. It
   * only shows the failure: whoever decided it has audited it.
   */
  async function failed(ctx: Context, interaction: Interaction, idp: string, failure: UpstreamFailure, skippedPage: boolean, status = 502): Promise<void> {
    if (skippedPage) {
      await finish(ctx, interaction, { error: failure.oauthError, error_description: `sign-in through ${idp} failed` }, false);
      return;
    }
    const locale = render.localeFor(ctx, interaction);
    const record = (await enabled()).find((i) => i.name === idp);
    const label = record ? displayNameIn(record.displayName, locale.lang) : idp;
    render.page(ctx, status, 'federation-failed', locale, {
      title: locale.t('federation.failed.title', { idp: label }),
      message: locale.t(`federation.failed.${failure.code === 'unavailable' ? 'unavailable' : failure.code === 'denied' ? 'denied' : 'invalid'}`, { idp: label }),
      uid: interaction.uid,
      csrf: csrf.tokenFor(interaction.uid),
    });
  }

  async function start(ctx: Context, interaction: Interaction, name: string, options: { loginHint?: string; skippedPage?: boolean; passive?: boolean } = {}): Promise<void> {
    if (!['login', 'select_account'].includes(interaction.prompt.name)) throw new StartAgain('not a login step');
    const idp = await idps.forSignIn(name);
    if (!idp || !idp.enabled) {
      audit.record({ type: 'login', outcome: 'failure', client: clientOf(interaction), ip: ctx.ip, action: `idp ${name.slice(0, 64)}: not configured or disabled` });
      if (options.passive) return finish(ctx, interaction, { error: 'login_required', error_description: 'no upstream identity provider to ask without interaction' }, false);
      const locale = render.localeFor(ctx, interaction);
      await render.renderLogin(ctx, interaction, 404, locale.t('federation.unknown'));
      return;
    }
    // A passive sign-in never shows a page of ours: it is always one that skipped the login page.
    const passive = options.passive === true;
    const skippedPage = options.skippedPage === true || passive;
    try {
      const id = pending.newId();
      const started = await protocols[idp.type].start(idp, { callbackUrl: answerUrlOf(issuer, idp), pendingId: id, ...(options.loginHint ? { loginHint: options.loginHint } : {}), ...(passive ? { passive } : {}) });
      await pending.save({ id, idp: idp.name, interactionUid: interaction.uid, keep: started.keep, expiresAt: interaction.exp, client: clientOf(interaction), ...(skippedPage ? { skippedPage } : {}), ...(passive ? { passive } : {}) });
      ctx.status = 303;
      ctx.set('Cache-Control', 'no-store');
      ctx.redirect(started.redirectTo);
    } catch (err) {
      const failure: UpstreamFailure | undefined =
        err instanceof UpstreamError ? { code: err.code, message: err.message, oauthError: err.oauthError } : err instanceof AppError ? { code: err.code, message: err.message, oauthError: 'access_denied' } : undefined;
      if (!failure) throw err;
      audited(ctx, interaction, idp.name, failure);
      return failed(ctx, interaction, idp.name, failure, skippedPage, err instanceof AppError ? (err.code === 'throttled' ? 429 : 400) : 502);
    }
  }

  const startRoute: RouterMiddleware = async (ctx) => {
    const { interaction } = await load.loadForPost(ctx);
    await start(ctx, interaction, String(ctx.params.idp));
  };

  const doneRoute: RouterMiddleware = async (ctx) => {
    const interaction = await load.load(ctx);
    const answer = await pending.takeAnswer(String(ctx.params.pendingId), interaction.uid);
    if (!answer) {
      audit.record({ type: 'login', outcome: 'failure', client: clientOf(interaction), ip: ctx.ip, action: 'idp: an answer for no pending sign-in of this browser (replayed or forged)' });
      throw new StartAgain('no upstream answer for this interaction');
    }
    // Refused at the callback or the ACS, and audited there: this step only shows it.
    if (answer.failure) return failed(ctx, interaction, answer.idp, answer.failure, answer.skippedPage);
    const idp = await idps.forSignIn(answer.idp);
    if (!idp || !idp.enabled) {
      const failure: UpstreamFailure = { code: 'unavailable', message: 'the idp was removed or disabled during the sign-in', oauthError: 'access_denied' };
      audited(ctx, interaction, answer.idp, failure);
      return failed(ctx, interaction, answer.idp, failure, answer.skippedPage);
    }
    const resolution = await accounts.resolve(idp, answer.identity);
    if (resolution.kind === 'disabled') {
      audit.record({ type: 'login', outcome: 'failure', user: resolution.user.sub, actor: resolution.user.username, client: clientOf(interaction), ip: ctx.ip, action: `idp ${idp.name}: account disabled here` });
      if (answer.passive) return finish(ctx, interaction, { error: 'login_required', error_description: `sign-in through ${idp.name} failed` }, false);
      const locale = render.localeFor(ctx, interaction);
      await render.renderLogin(ctx, interaction, 403, locale.t('directory.state.disabled_here'));
      return;
    }
    const { user } = resolution;
    audit.record({ type: 'login', outcome: 'success', user: user.sub, actor: user.username, client: clientOf(interaction), ip: ctx.ip, action: `idp ${idp.name}${resolution.created ? ': account created' : resolution.linked ? ': linked by verified e-mail' : ''}${resolution.kind === 'success' && resolution.note ? ` (${resolution.note})` : ''}` });
    if (answer.passive) {
      // The client's prompt=none goes back on the request before oidc-provider resumes it, so a consent it would
      // need is consent_required, never our page; a second factor here would need the person, so it is login_required.
      if (await secondFactor.needed(interaction, user)) return finish(ctx, interaction, { error: 'login_required', error_description: 'a second factor is required' }, false);
      interaction.params.prompt = 'none';
    } else if (await secondFactor.needed(interaction, user)) {
      await secondFactor.begin(ctx, interaction, { accountId: user.sub, amr: [AMR.federated], remember: true, ...(interaction.prompt.name === 'select_account' ? { selectAccount: true } : {}) });
      return;
    }
    const result: InteractionResults = { login: { accountId: user.sub, ts: epochSeconds(), acr: ACR_FEDERATED, amr: [AMR.federated], remember: true } };
    if (interaction.prompt.name === 'select_account') result.select_account = {};
    await finish(ctx, interaction, result);
  };

  return { enabled, buttons, forLogin, forHint, start, startRoute, doneRoute };
}
