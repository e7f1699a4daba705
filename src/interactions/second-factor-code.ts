/**
 * POST /interaction/:uid/mfa/totp and /mfa/recovery: a code from the authenticator app, or a recovery code, for the
 * sign-in waiting on this interaction. Throttled like passwords (the slot is taken before the code is checked),
 * every refusal audited; a code is accepted once.
 */
import type { RouterMiddleware } from '@koa/router';
import type { Context } from 'koa';
import type { LoginThrottle } from '../accounts/throttle.js';
import type { AuditLog } from '../audit/audit.js';
import type { Factors, Verdict } from '../mfa/factors.js';
import { AMR } from '../oidc/amr.js';
import { waitText } from '../pages/wait-text.js';
import { StartAgain, type Interaction, type Loader } from './load.js';
import type { Renderer } from './render.js';
import type { SecondFactor } from './second-factor.js';
import { pendingOf, type PendingSecondFactor } from './second-factor-pending.js';

/** No code of ours is longer: anything longer is refused before it is hashed or compared. */
export const CODE_MAX = 64;

export interface CodeStepDeps {
  load: Pick<Loader, 'loadForPost'>;
  render: Pick<Renderer, 'localeFor'>;
  factors: Pick<Factors, 'verifyTotp' | 'useRecoveryCode'>;
  throttle: Pick<LoginThrottle, 'succeeded'>;
  secondFactor: Pick<SecondFactor, 'admit' | 'show' | 'complete'>;
  audit: AuditLog;
}

export type CodeKind = 'totp' | 'recovery';

/** The message a refused code gets on the page: what to do next, never which part of the secret was wrong. */
const MESSAGES: Record<CodeKind, Record<Exclude<Verdict, 'accepted'>, string>> = {
  totp: { malformed: 'mfa.code.malformed', wrong: 'mfa.code.invalid', replayed: 'mfa.code.replayed', not_enrolled: 'mfa.code.invalid' },
  recovery: { malformed: 'mfa.recovery.invalid', wrong: 'mfa.recovery.invalid', replayed: 'mfa.recovery.invalid', not_enrolled: 'mfa.recovery.invalid' },
};

/** The interaction a second-factor POST answers and who waits on it; a POST with nobody waiting is refused and audited. */
export async function loadPending(ctx: Context, load: CodeStepDeps['load'], audit: AuditLog, step: string): Promise<{ interaction: Interaction; form: URLSearchParams; pending: PendingSecondFactor }> {
  const { interaction, form } = await load.loadForPost(ctx);
  const pending = pendingOf(interaction);
  if (!pending) {
    // Nobody signed in yet: a refusal of an unauthenticated party, kept (and counted per address) with refused logins.
    audit.record({ type: 'login', outcome: 'failure', client: String(interaction.params.client_id), ip: ctx.ip, action: `${step} without a first factor` });
    throw new StartAgain('no sign-in waits for a second factor');
  }
  return { interaction, form, pending };
}

export function codeStep(kind: CodeKind, { load, render, factors, throttle, secondFactor, audit }: CodeStepDeps): RouterMiddleware {
  return async (ctx) => {
    const { interaction, form, pending } = await loadPending(ctx, load, audit, kind);
    const locale = render.localeFor(ctx, interaction);
    const client = String(interaction.params.client_id);
    const user = pending.accountId;
    const admission = await secondFactor.admit(ctx, pending);
    if (!admission.admitted) {
      audit.record({ type: 'mfa', outcome: 'failure', user, client, ip: ctx.ip, action: `${kind} throttled` });
      ctx.set('Retry-After', String(admission.retryAfter));
      await secondFactor.show(ctx, interaction, pending, 429, locale.t('mfa.code.throttled', { wait: waitText(locale, admission.retryAfter) }));
      return;
    }
    const code = form.get('code') ?? '';
    const verdict: Verdict = code.length > CODE_MAX ? 'malformed' : kind === 'totp' ? await factors.verifyTotp(user, code) : await factors.useRecoveryCode(user, code);
    if (verdict !== 'accepted') {
      audit.record({ type: 'mfa', outcome: 'failure', user, client, ip: ctx.ip, action: `${kind} ${verdict.replace('_', ' ')}` });
      await secondFactor.show(ctx, interaction, pending, 400, locale.t(MESSAGES[kind][verdict]));
      return;
    }
    await throttle.succeeded(admission);
    audit.record({ type: 'mfa', outcome: 'success', user, client, ip: ctx.ip, action: kind === 'totp' ? 'totp verified' : 'recovery code used' });
    await secondFactor.complete(ctx, interaction, pending, [AMR.otp]);
  };
}
