/**
 * "Sign in with a passkey": a first step without a password. GET /interaction/:uid/passkey is its page (the login
 * page itself stays free of script); POST /passkey/options hands out a challenge any discoverable passkey of ours
 * may answer, with user verification required; POST /passkey/verify finds the account by the passkey's user
 * handle and signs it in. Possession of the key and the user's PIN or biometrics: two factors, acr at the MFA level.
 */
import type { RouterMiddleware } from '@koa/router';
import type { Context } from 'koa';
import type { LoginThrottle } from '../accounts/throttle.js';
import type { Users } from '../accounts/users.js';
import type { AuditLog } from '../audit/audit.js';
import type { Factors } from '../mfa/factors.js';
import { authenticationOptions, passkeyResponseOf, userHandleOf, verifyAssertion, type RelyingParty } from '../mfa/passkeys.js';
import { ACR_MFA } from '../oidc/acr.js';
import { AMR, passkeyAmr } from '../oidc/amr.js';
import type { Csrf } from '../pages/csrf.js';
import { epochSeconds } from '../time.js';
import { StartAgain, type Interaction, type Loader } from './load.js';
import type { Renderer } from './render.js';

export interface PasskeySignInDeps {
  load: Pick<Loader, 'load' | 'loadForPost'>;
  render: Pick<Renderer, 'localeFor' | 'page' | 'clientOf'>;
  csrf: Pick<Csrf, 'tokenFor'>;
  users: Pick<Users, 'findActive'>;
  factors: Pick<Factors, 'passkeys' | 'advancePasskey'>;
  throttle: LoginThrottle;
  audit: AuditLog;
  rp: RelyingParty;
}

export interface PasskeySignIn {
  page: RouterMiddleware;
  options: RouterMiddleware;
  verify: RouterMiddleware;
}

/** Where the challenge is kept on the interaction's result (oidc-provider ignores the key). */
const CHALLENGE_KEY = 'passkey_challenge';

function signInStep(interaction: Interaction): void {
  if (!['login', 'select_account'].includes(interaction.prompt.name)) throw new StartAgain('not a sign-in step');
}

export function passkeySignIn({ load, render, csrf, users, factors, throttle, audit, rp }: PasskeySignInDeps): PasskeySignIn {
  const saveChallenge = async (interaction: Interaction, challenge: string | undefined) => {
    const { [CHALLENGE_KEY]: _old, ...rest } = (interaction.result ?? {}) as Record<string, unknown>;
    interaction.result = challenge ? { ...rest, [CHALLENGE_KEY]: challenge } : rest;
    await interaction.save(interaction.exp - epochSeconds());
  };

  const page: RouterMiddleware = async (ctx) => {
    const interaction = await load.load(ctx);
    signInStep(interaction);
    const locale = render.localeFor(ctx, interaction);
    render.page(ctx, 200, 'passkey-sign-in', locale, { title: locale.t('passkey.sign_in.title'), uid: interaction.uid, csrf: csrf.tokenFor(interaction.uid), client: await render.clientOf(interaction) });
  };

  const options: RouterMiddleware = async (ctx) => {
    const { interaction } = await load.loadForPost(ctx);
    signInStep(interaction);
    const asked = await authenticationOptions(rp, []);
    await saveChallenge(interaction, asked.challenge);
    ctx.body = asked;
  };

  const verify: RouterMiddleware = async (ctx: Context) => {
    const { interaction, form } = await load.loadForPost(ctx);
    signInStep(interaction);
    const locale = render.localeFor(ctx, interaction);
    const client = String(interaction.params.client_id);
    const challenge = (interaction.result as Record<string, unknown> | undefined)?.[CHALLENGE_KEY];
    // The challenge is spent whatever the outcome.
    if (challenge) await saveChallenge(interaction, undefined);
    const response = passkeyResponseOf(form.get('response'));
    const sub = userHandleOf(response);
    const fail = (status: number, reason: string, user?: string) => {
      audit.record({ type: 'login', outcome: 'failure', ...(user ? { user } : {}), client, ip: ctx.ip, action: `passkey ${reason}` });
      ctx.status = status;
      ctx.body = { error: locale.t('mfa.passkey.failed') };
    };
    if (typeof challenge !== 'string') return fail(400, 'without a challenge');
    if (!sub) return fail(400, 'malformed');
    const admission = await throttle.admit({ username: `mfa:${sub}`, ip: ctx.ip });
    if (!admission.admitted) {
      ctx.set('Retry-After', String(admission.retryAfter));
      return fail(429, 'throttled', sub);
    }
    const verdict = await verifyAssertion(rp, response, challenge, await factors.passkeys(sub), true);
    if (!verdict.ok) return fail(400, verdict.reason, sub);
    if (!verdict.userVerified) return fail(400, 'without user verification', sub);
    if (!(await factors.advancePasskey(sub, verdict.id, verdict.counter, verdict))) return fail(400, 'replayed counter', sub);
    // A disabled or deleted account signs nobody in, whatever key it held.
    if (!(await users.findActive(sub))) return fail(400, 'for an inactive account', sub);
    await throttle.succeeded(admission);
    audit.record({ type: 'login', outcome: 'success', user: sub, client, ip: ctx.ip, action: 'passkey' });
    interaction.result = {
      ...interaction.lastSubmission,
      login: { accountId: sub, ts: epochSeconds(), acr: ACR_MFA, amr: [passkeyAmr(verdict.synced), AMR.userPresence, AMR.mfa], remember: true },
      ...(interaction.prompt.name === 'select_account' ? { select_account: {} } : {}),
    };
    await interaction.save(interaction.exp - epochSeconds());
    ctx.body = { location: interaction.returnTo };
  };

  return { page, options, verify };
}
