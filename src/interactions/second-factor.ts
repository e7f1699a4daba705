/**
 * The second-factor step after a first factor: whether a sign-in needs one (the account has a factor, or the
 * setting, the client or the request demands it), its pages (code entry, or enrolment when the account has none),
 * and the login result it ends in: `acr` at the multi-factor level, `amr` naming both factors, `ts` its own time.
 */
import type { Context } from 'koa';
import type { InteractionResults, Provider } from 'oidc-provider';
import type { LoginThrottle } from '../accounts/throttle.js';
import type { AuditLog } from '../audit/audit.js';
import type { Factors } from '../mfa/factors.js';
import { requestedAcrs, secondFactorRequired, type MfaRequired } from '../mfa/policy.js';
import { qrDataUrl } from '../mfa/qr.js';
import { groupedSecret, totpUri } from '../mfa/totp.js';
import { ACR_MFA } from '../oidc/acr.js';
import { withSecondFactor } from '../oidc/amr.js';
import type { Csrf } from '../pages/csrf.js';
import { clientFlag } from '../provider/client-settings.js';
import { epochSeconds } from '../time.js';
import { finish } from './finish.js';
import type { Interaction } from './load.js';
import type { Renderer } from './render.js';
import { PENDING_KEY, type PendingSecondFactor } from './second-factor-pending.js';

export interface SecondFactorDeps {
  provider: { readonly current: Provider };
  render: Pick<Renderer, 'localeFor' | 'page' | 'usernameOf'>;
  csrf: Pick<Csrf, 'tokenFor'>;
  factors: Factors;
  throttle: LoginThrottle;
  audit: AuditLog;
  /** The provider-wide `mfa.required` setting as this instance knows it now. */
  mfaRequired: () => MfaRequired;
  /** What an authenticator app shows as the entry's issuer. */
  issuerLabel: string;
}

export interface SecondFactor {
  /** After a first factor: does this sign-in need a second one? */
  needed(interaction: Interaction, account: { sub: string; role?: string | undefined }): Promise<boolean>;
  /** Keeps the first factor on the interaction and answers with the second-factor page itself (no extra round trip). */
  begin(ctx: Context, interaction: Interaction, pending: PendingSecondFactor): Promise<void>;
  /** GET: the code page, or the enrolment page for an account without a factor. */
  show(ctx: Context, interaction: Interaction, pending: PendingSecondFactor, status?: number, error?: string): Promise<void>;
  /** The login result of a sign-in finished by `method` (RFC 8176 values of the second factor). */
  result(pending: PendingSecondFactor, method: readonly string[]): InteractionResults;
  /** Saves the result and sends the browser on. */
  complete(ctx: Context, interaction: Interaction, pending: PendingSecondFactor, method: readonly string[]): Promise<void>;
  /** The throttle bucket of an account's codes: the password's buckets' rules, its own account key, the same address key. */
  admit(ctx: Context, pending: PendingSecondFactor): ReturnType<LoginThrottle['admit']>;
}

/** Throttle accounts of second-factor codes: ':' is in no username, so these never share a bucket with a password's. */
const throttleName = (sub: string) => `mfa:${sub}`;

export function secondFactor({ provider, render, csrf, factors, throttle, mfaRequired, issuerLabel }: SecondFactorDeps): SecondFactor {
  async function needed(interaction: Interaction, account: { sub: string; role?: string | undefined }): Promise<boolean> {
    if (await factors.enrolled(account.sub)) return true;
    const client = await provider.current.Client.find(String(interaction.params.client_id));
    return secondFactorRequired({
      setting: mfaRequired(),
      role: account.role,
      clientRequires: clientFlag(client, 'require_mfa'),
      acrs: requestedAcrs(interaction.params.acr_values, interaction.params.claims),
    });
  }

  async function begin(ctx: Context, interaction: Interaction, pending: PendingSecondFactor): Promise<void> {
    interaction.result = { [PENDING_KEY]: pending };
    await interaction.save(interaction.exp - epochSeconds());
    // The page is this POST's answer, as a refused password's is: a reload posts the first factor again, which is
    // checked (and throttled) again; every later step reads the pending sign-in from the interaction.
    await show(ctx, interaction, pending);
  }

  async function show(ctx: Context, interaction: Interaction, pending: PendingSecondFactor, status = 200, error?: string): Promise<void> {
    const locale = render.localeFor(ctx, interaction);
    const username = await render.usernameOf(pending.accountId);
    const summary = await factors.summary(pending.accountId);
    const common = { uid: interaction.uid, csrf: csrf.tokenFor(interaction.uid), username, error };
    if (summary.totp || summary.recoveryCodesLeft > 0 || summary.passkeys > 0) {
      render.page(ctx, status, 'mfa-code', locale, { ...common, title: locale.t('mfa.code.title'), totp: summary.totp, recoveryCodesLeft: summary.recoveryCodesLeft, passkeys: summary.passkeys });
      return;
    }
    const secret = await factors.beginTotp(pending.accountId);
    render.page(ctx, status, 'mfa-enrol', locale, {
      ...common,
      title: locale.t('mfa.enrol.title'),
      qr: await qrDataUrl(totpUri(secret, issuerLabel, username)),
      secret: groupedSecret(secret),
    });
  }

  function result(pending: PendingSecondFactor, method: readonly string[]): InteractionResults {
    return {
      login: { accountId: pending.accountId, ts: epochSeconds(), acr: ACR_MFA, amr: withSecondFactor(pending.amr, method), remember: pending.remember },
      ...(pending.selectAccount ? { select_account: {} } : {}),
    };
  }

  async function complete(ctx: Context, interaction: Interaction, pending: PendingSecondFactor, method: readonly string[]): Promise<void> {
    await finish(ctx, interaction, result(pending, method));
  }

  const admit = (ctx: Context, pending: PendingSecondFactor) => throttle.admit({ username: throttleName(pending.accountId), ip: ctx.ip });

  return { needed, begin, show, result, complete, admit };
}
