/**
 * oidc-provider's default prompts (login, consent) plus select_account, which the default policy lacks. It fires
 * when requested (prompt=select_account), or for clients set to always show the account chooser; the interaction
 * routes answer it with the chooser when a session exists and with the login form otherwise. The Xiaomi-style
 * skip_confirm=true skips the chooser.
 */
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { clientFlag } from './client-flags.js';

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

export function interactionPrompts(): interactionPolicy.DefaultPolicy {
  const policy = base();
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
