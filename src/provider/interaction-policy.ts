/**
 * oidc-provider's default prompts (login, consent) plus select_account, which the default policy lacks. It fires
 * when requested (prompt=select_account), or for clients set to always show the account chooser; the interaction
 * routes answer it with the chooser when a session exists and with the login form otherwise. The Xiaomi-style
 * skip_confirm=true skips the chooser.
 */
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { ACR_MFA } from '../oidc/acr.js';
import { requestedAcrs, secondFactorRequired, type MfaRequired } from '../mfa/policy.js';
import { clientFlag } from './client-settings.js';

const { Prompt, Check, base } = interactionPolicy;

/** A client that always asks which account, unless this is a silent request or the user just signed in or chose. */
export function clientWantsChooser(ctx: KoaContextWithOIDC): boolean {
  const { oidc } = ctx;
  return (
    clientFlag(oidc.client, 'always_select_account') &&
    !!oidc.session?.accountId &&
    !oidc.prompts.has('none') &&
    oidc.params?.skip_confirm !== 'true' &&
    !oidc.result?.login &&
    !oidc.result?.select_account
  );
}

/**
 * A session whose account has since been deleted or disabled, or whose password changed, must sign nobody in
 * (findAccount finds no account for it): oidc-provider only checks that the session has an account id, and without
 * this check answers such a request with a server error.
 */
const accountGone = new Check('account_not_found', 'the sign-in no longer holds (the account was removed or disabled, or its credentials changed)', 'login_required', (ctx) =>
  ctx.oidc.session?.accountId && !ctx.oidc.account ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
);

/** Why the login prompt asks for a second factor only: the session's account stays, its password is not asked again. */
export const MFA_REQUIRED = 'mfa_required';

/**
 * A session signed in without a second factor, asked for by a request that needs one (the provider's setting, the
 * client's flag, acr_values): the login prompt again, which our pages answer with the second factor alone (step-up).
 * With prompt=none the client gets login_required, never an ID token at the password level.
 */
export function secondFactorCheck(setting: () => MfaRequired): interactionPolicy.Check {
  return new Check(MFA_REQUIRED, 'a second factor is required', 'login_required', (ctx) => {
    const { oidc } = ctx;
    if (!oidc.session?.accountId || !oidc.account || oidc.acr === ACR_MFA) return Check.NO_NEED_TO_PROMPT;
    const required = secondFactorRequired({
      setting: setting(),
      role: (oidc.account as { role?: string }).role,
      clientRequires: clientFlag(oidc.client, 'require_mfa'),
      acrs: requestedAcrs(oidc.params?.acr_values, oidc.params?.claims),
    });
    return required ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
  });
}

/** The reason (and the prompt detail) that marks a silent request sent on to its upstream IdP without our pages. */
export const UPSTREAM_PASSIVE = 'upstream_passive';

/** Whether an enabled upstream IdP takes a request's idp_hint, or its login_hint's domain. */
export type UpstreamHint = (params: { idp_hint?: unknown; login_hint?: unknown }) => Promise<boolean>;

/**
 * prompt=none with no session here, for a request that names an upstream IdP: instead of login_required at once,
 * the upstream is asked silently (OIDC prompt=none, SAML IsPassive) and its answer decides. oidc-provider refuses
 * any prompt of a prompt=none request, so `none` is taken off the request for this one step; the interaction keeps
 * the mark, and the done step puts `none` back before oidc-provider resumes, so consent is never shown either.
 */
export function upstreamPassiveCheck(hinted: UpstreamHint): interactionPolicy.Check {
  return new Check(UPSTREAM_PASSIVE, 'the upstream identity provider is asked without interaction', 'login_required', async (ctx) => {
    const { oidc } = ctx;
    // Cheap tests first: the silent path (a session here) never reaches the lookup.
    if (oidc.session?.accountId || !oidc.prompts.has('none') || oidc.prompts.size !== 1) return Check.NO_NEED_TO_PROMPT;
    const params = oidc.params;
    if (!params || (!params.idp_hint && !params.login_hint)) return Check.NO_NEED_TO_PROMPT;
    if (!(await hinted({ idp_hint: params.idp_hint, login_hint: params.login_hint }))) return Check.NO_NEED_TO_PROMPT;
    params.prompt = undefined;
    return Check.REQUEST_PROMPT;
  });
}

export function interactionPrompts(mfaRequired: () => MfaRequired = () => 'off', hinted?: UpstreamHint): interactionPolicy.DefaultPolicy {
  const policy = base();
  policy.get('login')!.checks.add(accountGone, 0);
  if (hinted) policy.get('login')!.checks.add(upstreamPassiveCheck(hinted), 0);
  policy.get('login')!.checks.add(secondFactorCheck(mfaRequired));
  policy.add(
    new Prompt(
      { name: 'select_account', requestable: true },
      new Check('client_always_selects', 'the client asks which account to use', (ctx) =>
        clientWantsChooser(ctx) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
      ),
    ),
    0,
  );
  return policy;
}
