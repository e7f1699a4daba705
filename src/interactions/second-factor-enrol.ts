/**
 * POST /interaction/:uid/mfa/enrol: the first code from a newly added authenticator app. It makes the app the
 * account's second factor and finishes the sign-in with it; an account without recovery codes gets its ten now,
 * shown once before the browser goes on.
 */
import type { RouterMiddleware } from '@koa/router';
import type { LoginThrottle } from '../accounts/throttle.js';
import type { AuditLog } from '../audit/audit.js';
import type { Factors } from '../mfa/factors.js';
import { AMR } from '../oidc/amr.js';
import { waitText } from '../pages/wait-text.js';
import { epochSeconds } from '../time.js';
import { StartAgain } from './load.js';
import { CODE_MAX, loadPending, type CodeStepDeps } from './second-factor-code.js';
import type { Renderer } from './render.js';
import type { SecondFactor } from './second-factor.js';

export interface EnrolStepDeps {
  load: CodeStepDeps['load'];
  render: Pick<Renderer, 'localeFor' | 'page'>;
  factors: Pick<Factors, 'enrolled' | 'confirmTotp' | 'summary' | 'newRecoveryCodes'>;
  throttle: Pick<LoginThrottle, 'succeeded'>;
  secondFactor: Pick<SecondFactor, 'admit' | 'show' | 'result'>;
  audit: AuditLog;
}

export function enrolStep({ load, render, factors, throttle, secondFactor, audit }: EnrolStepDeps): RouterMiddleware {
  return async (ctx) => {
    const { interaction, form, pending } = await loadPending(ctx, load, audit, 'totp enrolment');
    const user = pending.accountId;
    const client = String(interaction.params.client_id);
    // An account with a factor proves it with that factor: knowing its password is not enough to add another.
    if (await factors.enrolled(user)) {
      audit.record({ type: 'mfa', outcome: 'failure', user, client, ip: ctx.ip, action: 'totp enrolment refused: a factor exists' });
      throw new StartAgain('the account already has a second factor');
    }
    const locale = render.localeFor(ctx, interaction);
    const admission = await secondFactor.admit(ctx, pending);
    if (!admission.admitted) {
      audit.record({ type: 'mfa', outcome: 'failure', user, client, ip: ctx.ip, action: 'totp enrolment throttled' });
      ctx.set('Retry-After', String(admission.retryAfter));
      await secondFactor.show(ctx, interaction, pending, 429, locale.t('mfa.code.throttled', { wait: waitText(locale, admission.retryAfter) }));
      return;
    }
    const code = form.get('code') ?? '';
    const verdict = code.length > CODE_MAX ? 'malformed' : await factors.confirmTotp(user, code);
    if (verdict !== 'accepted') {
      audit.record({ type: 'mfa', outcome: 'failure', user, client, ip: ctx.ip, action: `totp enrolment ${verdict.replace('_', ' ')}` });
      await secondFactor.show(ctx, interaction, pending, 400, locale.t(verdict === 'malformed' ? 'mfa.code.malformed' : verdict === 'replayed' ? 'mfa.code.replayed' : 'mfa.code.invalid'));
      return;
    }
    await throttle.succeeded(admission);
    audit.record({ type: 'mfa', outcome: 'success', user, client, ip: ctx.ip, action: 'totp enrolled' });
    const codes = (await factors.summary(user)).recoveryCodesLeft === 0 ? await factors.newRecoveryCodes(user) : [];
    if (codes.length) audit.record({ type: 'mfa', outcome: 'success', user, client, ip: ctx.ip, action: 'recovery codes created' });
    // The sign-in is finished now: the recovery codes page only shows the way on.
    interaction.result = { ...interaction.lastSubmission, ...secondFactor.result(pending, [AMR.otp]) };
    await interaction.save(interaction.exp - epochSeconds());
    if (!codes.length) {
      ctx.status = 303;
      ctx.redirect(interaction.returnTo);
      return;
    }
    render.page(ctx, 200, 'mfa-recovery-codes', locale, { title: locale.t('mfa.codes.title'), codes, next: interaction.returnTo });
  };
}
