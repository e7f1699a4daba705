/** `oidc-op admin-token`: the Bearer tokens of the admin API. */
import type { AdminTokenView } from '../../accounts/admin-tokens.js';
import { audited } from '../../audit/audited.js';
import { printable } from '../../printable.js';
import { positional, UsageError } from '../args.js';
import { cliActor, type Command, type Context, type Output } from './command.js';

async function adminTokenCommand({ stores, action, args, values }: Context): Promise<Output> {
  const actor = cliActor();
  const line = (t: AdminTokenView) => `${printable(t.id)}  ${printable(t.name)}  created ${printable(t.createdAt)}`;
  switch (action) {
    case 'create': {
      const created = await audited(stores.audit, { actor, action: `admin-token create ${values.name ?? ''}`, about: 'setting' }, () => stores.adminTokens.create(values.name ?? ''));
      return { json: { ...created }, text: `admin token ${created.name}: ${created.token}\n(shown once: only its hash is stored)` };
    }
    case 'list': {
      const tokens = await stores.adminTokens.list();
      return { json: { tokens }, text: tokens.map(line).join('\n') || '(no admin tokens)' };
    }
    case 'revoke': {
      const which = positional(args, 0, 'token id or name');
      const revoked = await audited(stores.audit, { actor, action: `admin-token revoke ${which}`, about: 'setting' }, () => stores.adminTokens.revoke(which));
      return { json: { revoked }, text: revoked.map((t) => `revoked ${line(t)}`).join('\n') };
    }
    default:
      throw new UsageError(`unknown admin-token command ${action ?? ''}`.trim());
  }
}

export const adminToken: Command = {
  name: 'admin-token',
  usage: 'admin-token ACTION [options] [--json]',
  synopsis: `  admin-token create --name NAME      (a Bearer token for /admin/api, shown once)
  admin-token list | admin-token revoke ID_OR_NAME   (a revoked token gets 401 at once)`,
  help: `Only a token's hash is stored; list shows the id (the start of the hash), name and creation time, never the token.
Revoking by name revokes every token of that name.`,
  run: adminTokenCommand,
};
