/** `oidc-op registration-token create`: an initial access token for dynamic client registration. */
import { audited } from '../../audit/audited.js';
import { UsageError } from '../args.js';
import { cliActor, type Command, type Context, type Output } from './command.js';

async function registrationTokenCommand({ stores, action, values }: Context): Promise<Output> {
  if (action !== 'create') throw new UsageError(`unknown registration-token command ${action ?? ''}`.trim());
  const expiresIn = Number(values['expires-in'] ?? 86_400);
  const what = { actor: cliActor(), action: `registration-token create expires-in=${expiresIn}s`, about: 'setting' as const };
  const minted = await audited(stores.audit, what, () => stores.registrationTokens.create(expiresIn));
  return { json: { ...minted }, text: `initial access token: ${minted.token}\nvalid until ${minted.expires_at} (shown once)` };
}

export const registrationToken: Command = {
  name: 'registration-token',
  usage: 'registration-token create [--expires-in SECONDS] [--json]',
  synopsis: `  registration-token create [--expires-in SECONDS]
                                       (an initial access token for dynamic client registration, shown once;
                                        valid for any number of registrations until it expires, 86400 by default)`,
  help: `The token is shown once; at most 30 days.`,
  run: registrationTokenCommand,
};
