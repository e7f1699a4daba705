/** `oidc-op keys`: list, rotate and retire the signing keys kept in the store. */
import { audited } from '../../audit/audited.js';
import { KeyError, type KeyStatus } from '../../keys/keyring.js';
import { printable } from '../../printable.js';
import { positional, UsageError } from '../args.js';
import { cliActor, type Command, type Context, type Output } from './command.js';

async function keysCommand({ stores, settings, action, args, values }: Context): Promise<Output> {
  if (settings.jwks) throw new KeyError('the signing keys come from JWKS or JWKS_FILE: rotate them there');
  const show = (statuses: KeyStatus[]) => ({
    json: { keys: statuses },
    text: statuses.map((s) => `${s.state.padEnd(8)}  ${printable(s.kids.map((kid, i) => `${s.algs[i]} ${kid}`).join(', '))}  active from ${s.activeFrom}${s.publishedUntil ? `  published until ${s.publishedUntil}` : ''}`).join('\n'),
  });
  const actor = cliActor();
  switch (action) {
    case 'list':
      return show(await stores.keyring.status());
    case 'rotate': {
      const lead = Number(values['lead-time'] ?? 3600);
      return show(await audited(stores.audit, { actor, action: `keys rotate lead=${lead}s`, about: 'setting' }, () => stores.keyring.rotate(lead * 1000)));
    }
    case 'retire': {
      const kid = positional(args, 0, 'key id');
      return show(await audited(stores.audit, { actor, action: `keys retire ${kid}`, about: 'setting' }, () => stores.keyring.retire(kid)));
    }
    default:
      throw new UsageError(`unknown keys command ${action ?? ''}`.trim());
  }
}

export const keys: Command = {
  name: 'keys',
  usage: 'keys ACTION [options] [--json]',
  synopsis: `  keys list | keys rotate [--lead-time SECONDS] | keys retire KID
                                       (a new key is published at once and signs after the lead time, 3600 by default;
                                        the replaced one stays published 24 h, then retires)`,
  help: `Signing keys without downtime. When the keys come from JWKS or JWKS_FILE they are rotated there, not here.`,
  run: keysCommand,
};
