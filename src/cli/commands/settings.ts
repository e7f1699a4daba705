/** `oidc-op settings`: show and change the runtime settings every instance follows. */
import { audited } from '../../audit/audited.js';
import { printable } from '../../printable.js';
import type { ProviderSettings } from '../../settings/provider-settings.js';
import { positional, UsageError } from '../args.js';
import { cliActor, type Command, type Context, type Output } from './command.js';

async function settingsCommand({ stores, action, args }: Context): Promise<Output> {
  const show = (settings: ProviderSettings) => ({
    json: { ...settings },
    text: Object.entries(settings)
      .map(([k, v]) => `${printable(k)} = ${printable(String(v))}`)
      .join('\n'),
  });
  if (action === 'show') return show(await stores.providerSettings.read());
  if (action !== 'set') throw new UsageError(`unknown settings command ${action ?? ''}`.trim());
  const key = positional(args, 0, 'setting name');
  const value = positional(args, 1, 'value');
  const what = { actor: cliActor(), action: `settings set ${key}=${value}`, about: 'setting' as const };
  return show(await audited(stores.audit, what, () => stores.providerSettings.set(key, value)));
}

export const settings: Command = {
  name: 'settings',
  usage: 'settings ACTION [options] [--json]',
  synopsis: `  settings show | settings set KEY VALUE   (implicit.enabled, state.required, ttl.access_token, ttl.id_token, ttl.session,
                                            paths.*, registration.enabled, registration.initial_access_token,
                                            mfa.required off|admins|all;
                                            every instance follows within SETTINGS_REFRESH_MS)`,
  help: `A setting set here overrides its environment variable until set again.
Each key, its type, default and an example: docs/reference/configuration.md#runtime-settings.`,
  run: settingsCommand,
};
