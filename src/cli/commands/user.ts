/** `oidc-op user`: accounts, their passwords and roles, and the consents they gave. */
import { toView, type UserView } from '../../accounts/users.js';
import type { Consent } from '../../accounts/consents.js';
import { printable } from '../../printable.js';
import { parseClaims, passwordFromStdin, positional, UsageError } from '../args.js';
import { auditedRecordCommand, cliActor, type Command, type Context, type Output } from './command.js';
import { userMfaCommand } from './user-mfa.js';

const consentLine = (c: Consent) =>
  `${printable(c.clientId)}  ${printable(c.scope)}${c.claims.length ? `  claims: ${printable(c.claims.join(' '))}` : ''}  until ${printable(c.expiresAt ?? 'never')}`;
const userLine = (user: UserView) => `${printable(user.username)}  sub=${printable(user.sub)}  ${printable(user.role ?? 'user')}${user.disabled ? '  disabled' : ''}`;

async function userCommand({ stores, action, args, values }: Context): Promise<Output> {
  switch (action) {
    case 'create': {
      const claims = parseClaims(values);
      const user = await stores.users.create({ username: values.username ?? '', password: await passwordFromStdin(values), claims, role: values.role });
      return { json: { ...user }, text: `created user ${userLine(user)}` };
    }
    case 'list': {
      const users = await stores.users.list();
      return { json: { users }, text: users.map(userLine).join('\n') || '(no users)' };
    }
    case 'show': {
      const user = toView(await stores.users.require(positional(args, 0, 'username')));
      return { json: { ...user }, text: JSON.stringify(user, null, 2) };
    }
    case 'update': {
      const user = await stores.users.update(positional(args, 0, 'username'), { claims: parseClaims(values), role: values.role });
      return { json: { ...user }, text: `updated user ${userLine(user)}` };
    }
    case 'enable':
    case 'disable': {
      const user = await stores.users.setDisabled(positional(args, 0, 'username'), action === 'disable');
      return { json: { ...user }, text: `${action}d user ${userLine(user)}` };
    }
    case 'set-password': {
      const username = positional(args, 0, 'username');
      await stores.users.setPassword(username, await passwordFromStdin(values));
      return { json: { username, password: 'changed' }, text: `password of ${username} changed` };
    }
    case 'consents': {
      const user = await stores.users.require(positional(args, 0, 'username'));
      const consents = await stores.consents.list(user.sub);
      return { json: { user: user.username, consents }, text: consents.map(consentLine).join('\n') || '(no consents)' };
    }
    case 'revoke-consent': {
      const user = await stores.users.require(positional(args, 0, 'username'));
      const revoked = await stores.consents.revoke(user.sub, positional(args, 1, 'client id'), cliActor());
      return { json: { user: user.username, revoked }, text: revoked.map((c) => `revoked ${consentLine(c)}`).join('\n') };
    }
    case 'delete': {
      const removed = await stores.users.delete(positional(args, 0, 'username'));
      return { json: { deleted: removed.username, sub: removed.sub }, text: `deleted user ${printable(removed.username)}` };
    }
    default:
      throw new UsageError(`unknown user command ${action ?? ''}`.trim());
  }
}

export const user: Command = {
  name: 'user',
  usage: 'user ACTION [options] [--json]',
  synopsis: `  user create --username NAME --password-stdin [--email E] [--name N] [--claim key=value…] [--role user|admin]
  user update NAME [--email E] [--name N] [--claim key=value…] [--role user|admin]   (--claim key=null removes one)
  user list | user show NAME | user enable NAME | user disable NAME
  user set-password NAME --password-stdin | user delete NAME
  user consents NAME | user revoke-consent NAME CLIENT_ID   (revoking ends the grant and its tokens; the client's next
                                                             sign-in asks for consent again)
  user mfa show NAME | user mfa reset NAME   (second factors: what is enrolled; reset for a lost phone)`,
  help: `The password is read from standard input with --password-stdin, never from the command line.
A claim value is JSON when it parses as JSON (address={"country":"NL"}), a string otherwise.
A disabled or deleted user cannot sign in, and their sessions and tokens stop working at once.
'oidc-op user ACTION --help' shows one action.`,
  actions: {
    create: `usage: printf '%s\\n' PASSWORD | oidc-op user create --username NAME --password-stdin [--email E] [--name N]
                                    [--claim key=value…] [--role user|admin] [--json]

A user with a random stable sub. A claim value is JSON when it parses as JSON (address={"country":"NL"}).`,
    update: `usage: oidc-op user update NAME [--email E] [--name N] [--claim key=value…] [--role user|admin] [--json]

Changes the claims and role given; --claim key=null removes a claim.`,
    'set-password': `usage: printf '%s\\n' PASSWORD | oidc-op user set-password NAME --password-stdin [--json]`,
    mfa: `usage: oidc-op user mfa show NAME [--json] | oidc-op user mfa reset NAME [--json]

show: whether an authenticator app is enrolled and how many recovery codes are left (never a key or a code).
reset: removes every second factor (a lost phone) and ends the user's sessions and tokens; the next sign-in that needs one enrols anew. Audited.`,
    'revoke-consent': `usage: oidc-op user revoke-consent NAME CLIENT_ID [--json]

Ends the grant and every token of it; the client's next sign-in asks for consent again.`,
  },
  run: (context) => (context.action === 'mfa' ? userMfaCommand(context) : auditedRecordCommand(context, 'user', () => userCommand(context))),
};
