/**
 * Passkeys on the second-factor page: POST /mfa/passkey/options hands the browser a challenge (kept on the
 * interaction, answered once), POST /mfa/passkey/register adds a passkey as the account's first factor beyond
 * the password, POST /mfa/passkey/verify signs in with one. Answers are JSON for the page's script
 * (views/assets/passkey.js): where to go next, or a message. Throttled and audited like codes.
 */
import type { RouterMiddleware } from '@koa/router';
import type { Context } from 'koa';
import type { LoginThrottle } from '../accounts/throttle.js';
import type { AuditLog } from '../audit/audit.js';
import type { Factors } from '../mfa/factors.js';
import { authenticationOptions, passkeyResponseOf, registrationOptions, verifyAssertion, verifyRegistration, type RelyingParty } from '../mfa/passkeys.js';
import { AMR, passkeyAmr } from '../oidc/amr.js';
import { epochSeconds } from '../time.js';
import type { Interaction } from './load.js';
import type { Renderer } from './render.js';
import { loadPending, type CodeStepDeps } from './second-factor-code.js';
import type { SecondFactor } from './second-factor.js';
import { PENDING_KEY, type PendingSecondFactor } from './second-factor-pending.js';

export interface PasskeyStepDeps {
  load: CodeStepDeps['load'];
  render: Pick<Renderer, 'localeFor' | 'usernameOf'>;
  factors: Pick<Factors, 'enrolled' | 'passkeys' | 'addPasskey' | 'advancePasskey' | 'newRecoveryCodes'>;
  throttle: Pick<LoginThrottle, 'succeeded'>;
  secondFactor: Pick<SecondFactor, 'admit' | 'result'>;
  audit: AuditLog;
  rp: RelyingParty;
}

export interface PasskeySteps {
  options: RouterMiddleware;
  register: RouterMiddleware;
  verify: RouterMiddleware;
}


async function savePending(interaction: Interaction, pending: PendingSecondFactor): Promise<void> {
  interaction.result = { ...(interaction.result as object | undefined), [PENDING_KEY]: pending };
  await interaction.save(interaction.exp - epochSeconds());
}


export function passkeySteps({ load, render, factors, throttle, secondFactor, audit, rp }: PasskeyStepDeps): PasskeySteps {
  const refuse = (ctx: Context, status: number, message: string) => {
    ctx.status = status;
    ctx.body = { error: message };
  };

  /** The sign-in finished: its result saved; the script goes on to the authorization. */
  async function done(ctx: Context, interaction: Interaction, pending: PendingSecondFactor, method: string[], codes: string[] = []) {
    const { challenge: _spent, ...rest } = pending;
    interaction.result = { ...interaction.lastSubmission, ...secondFactor.result(rest, method) };
    await interaction.save(interaction.exp - epochSeconds());
    // New recovery codes travel once, in this answer, for the page to show: they are never kept in plain text.
    ctx.body = { location: interaction.returnTo, ...(codes.length ? { codes } : {}) };
  }

  const options: RouterMiddleware = async (ctx) => {
    const { interaction, form, pending } = await loadPending(ctx, load, audit, 'passkey options');
    const purpose = form.get('purpose');
    const user = pending.accountId;
    if (purpose === 'register') {
      // As with an app: an account with a factor proves it with that factor before adding another.
      if (await factors.enrolled(user)) return refuse(ctx, 409, render.localeFor(ctx, interaction).t('mfa.passkey.failed'));
      const made = await registrationOptions(rp, { sub: user, username: await render.usernameOf(user) }, []);
      await savePending(interaction, { ...pending, challenge: made.challenge });
      ctx.body = made;
      return;
    }
    const passkeys = await factors.passkeys(user);
    if (purpose !== 'authenticate' || !passkeys.length) return refuse(ctx, 400, render.localeFor(ctx, interaction).t('mfa.passkey.failed'));
    const asked = await authenticationOptions(rp, passkeys);
    await savePending(interaction, { ...pending, challenge: asked.challenge });
    ctx.body = asked;
  };

  /** Shared by both answers: the throttle's slot first, then the one challenge this browser was given. */
  function answer(kind: 'register' | 'verify'): RouterMiddleware {
    return async (ctx) => {
      const { interaction, form, pending } = await loadPending(ctx, load, audit, `passkey ${kind}`);
      const locale = render.localeFor(ctx, interaction);
      const user = pending.accountId;
      const client = String(interaction.params.client_id);
      const admission = await secondFactor.admit(ctx, pending);
      if (!admission.admitted) {
        audit.record({ type: 'mfa', outcome: 'failure', user, client, ip: ctx.ip, action: `passkey ${kind} throttled` });
        ctx.set('Retry-After', String(admission.retryAfter));
        return refuse(ctx, 429, locale.t('mfa.passkey.failed'));
      }
      const challenge = pending.challenge;
      const response = passkeyResponseOf(form.get('response'));
      // The challenge is spent whatever the outcome: an answer is checked against it once.
      if (challenge) await savePending(interaction, { ...pending, challenge: undefined } as PendingSecondFactor);
      const fail = (reason: string) => {
        audit.record({ type: 'mfa', outcome: 'failure', user, client, ip: ctx.ip, action: `passkey ${kind} ${reason}` });
        refuse(ctx, 400, locale.t('mfa.passkey.failed'));
      };
      if (!challenge || !response) return fail(challenge ? 'malformed' : 'without a challenge');
      if (kind === 'register') {
        if (await factors.enrolled(user)) return fail('refused: a factor exists');
        const made = await verifyRegistration(rp, response, challenge, new Date());
        if (!made) return fail('refused');
        await factors.addPasskey(user, made.passkey);
        await throttle.succeeded(admission);
        audit.record({ type: 'mfa', outcome: 'success', user, client, ip: ctx.ip, action: 'passkey registered' });
        // The account's first factor: recovery codes too, for the day the key is lost.
        const codes = await factors.newRecoveryCodes(user);
        audit.record({ type: 'mfa', outcome: 'success', user, client, ip: ctx.ip, action: 'recovery codes created' });
        return done(ctx, interaction, pending, [passkeyAmr(made.passkey.synced === true), ...(made.userVerified ? [AMR.userPresence] : [])], codes);
      }
      const verdict = await verifyAssertion(rp, response, challenge, await factors.passkeys(user));
      if (!verdict.ok) return fail(verdict.reason);
      if (!(await factors.advancePasskey(user, verdict.id, verdict.counter, verdict))) return fail('replayed counter');
      await throttle.succeeded(admission);
      audit.record({ type: 'mfa', outcome: 'success', user, client, ip: ctx.ip, action: 'passkey verified' });
      return done(ctx, interaction, pending, [passkeyAmr(verdict.synced), ...(verdict.userVerified ? [AMR.userPresence] : [])]);
    };
  }

  return { options, register: answer('register'), verify: answer('verify') };
}
