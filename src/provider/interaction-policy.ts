/**
 * oidc-provider's default prompts (login, consent) plus select_account, which the default policy lacks.
 * It fires only when requested (prompt=select_account); the interaction routes answer it with the account
 * chooser when a session exists and with the login form otherwise.
 */
import { interactionPolicy } from 'oidc-provider';

export function interactionPrompts(): interactionPolicy.DefaultPolicy {
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);
  return policy;
}
