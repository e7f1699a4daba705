/** `oidc-op user`: accounts, their passwords and roles, and the consents they gave. */
import { toView, type UserView } from '../../accounts/users.js';
import type { Consent } from '../../accounts/consents.js';
import type { SessionView } from '../../accounts/sessions.js';
import { printable } from '../../printable.js';
import { parseClaims, passwordFromStdin, positional, UsageError } from '../args.js';
import { auditedRecordCommand, cliActor, type Command, type Context, type Output } from './command.js';
import { userMfaCommand } from './user-mfa.js';

const consentLine = (c: Consent) =>
  `${printable(c.clientId)}  ${printable(c.scope)}${c.claims.length ? `  claims: ${printable(c.claims.join(' '))}` : ''}  until ${printable(c.expiresAt ?? 'never')}`;
const sessionLine = (s: SessionView) =>
  `${s.id}  signed in ${s.signedInAt ?? '?'}  until ${s.expiresAt ?? '?'}${s.browser || s.os ? `  ${printable([s.browser, s.os].filter(Boolean).join(' on '))}` : ''}${s.address ? `  from ${printable(s.address)}` : ''}${s.clients.length ? `  clients: ${printable(s.clients.join(' '))}` : ''}`;
const userLine = (user: UserView) => `${printable(user.username)}  sub=${printable(user.sub)}  ${printable(user.role ?? 'user')}${user.disabled ? '  disabled' : ''}`;

/** The claims and groups a create or update names, for the audit trail ("claims department, email; groups Staff"). */
function changeDetail(values: Context['values']): string | undefined {
  const claims = values.claim?.map((pair) => pair.slice(0, Math.max(0, pair.indexOf('=')))).filter(Boolean) ?? [];
  const parts = [claims.length ? `claims ${claims.join(', ')}` : '', values.group ? `groups ${values.group.filter(Boolean).join(', ') || '(none)'}` : ''].filter(Boolean);
  return parts.length ? parts.join('; ') : undefined;
}

/** --group NAME…: the user's groups, each one that exists (by its name as created); --group '' alone: none. */
async function groupsGiven(stores: Context['stores'], values: Context['values']): Promise<string[] | undefined> {
  const names = values.group?.filter((g) => g !== '');
  return names === undefined ? undefined : stores.groups.resolve(names);
}

async function userCommand({ stores, action, args, values }: Context): Promise<Output> {
  switch (action) {
    case 'create': {
      const claims = parseClaims(values);
      const groups = await groupsGiven(stores, values);
      const user = await stores.users.create({ username: values.username ?? '', password: await passwordFromStdin(values), claims, role: values.role, groups });
      return { json: { ...user }, text: `created user ${userLine(user)}` };
    }
    case 'list': {
      const users = await stores.users.list();
      return { json: { users }, text: users.map(userLine).join('\n') || '(no users)' };
    }
    case 'show': {
      const user = toView(await stores.users.require(positional(args, 0, 'username')));
      const shown = { ...user, groups: user.groups ?? [] };
      return { json: shown, text: JSON.stringify(shown, null, 2) };
    }
    case 'update': {
      const groups = await groupsGiven(stores, values);
      const user = await stores.users.update(positional(args, 0, 'username'), { claims: parseClaims(values), role: values.role, groups });
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
    case 'sessions': {
      const user = await stores.users.require(positional(args, 0, 'username'));
      const sessions = await stores.sessions.list(user.sub);
      return { json: { user: user.username, sessions }, text: sessions.map(sessionLine).join('\n') || '(no sessions)' };
    }
    case 'sign-out': {
      const user = await stores.users.require(positional(args, 0, 'username'));
      const ended = await stores.sessions.end(user.sub, `signed out by ${cliActor()}`, args[1]);
      return { json: { user: user.username, ended }, text: ended.map((s) => `signed out ${sessionLine(s)}`).join('\n') || '(no sessions)' };
    }
    case 'unlink': {
      const name = positional(args, 0, 'username');
      if (!values.idp) throw new UsageError('user unlink needs --idp NAME');
      const user = toView(await stores.federatedAccounts.unlink(name, values.idp));
      return { json: user, text: `unlinked ${printable(name)} from idp ${printable(values.idp)}` };
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
  synopsis: `  user create --username NAME --password-stdin [--email E] [--name N] [--claim key=value…] [--role user|admin] [--group NAME…]
  user update NAME [--email E] [--name N] [--claim key=value…] [--role user|admin] [--group NAME…]
                                       (--claim key=null removes one; --group replaces the groups, --group '' clears them)
  user list | user show NAME | user enable NAME | user disable NAME
  user set-password NAME --password-stdin | user delete NAME
  user sessions NAME | user sign-out NAME [SESSION]   (every session, or the one named; each application it signed
                                                      into that registered a back-channel URI is told)
  user consents NAME | user revoke-consent NAME CLIENT_ID   (revoking ends the grant and its tokens; the client's next
                                                             sign-in asks for consent again)
  user unlink NAME --idp IDP   (its upstream identity at IDP no longer signs in as this user; 'user show' lists links)
  user mfa show NAME | user mfa reset NAME   (second factors: what is enrolled; reset for a lost phone)`,
  help: `The password is read from standard input with --password-stdin, never from the command line.
A claim value is JSON when it parses as JSON (address={"country":"NL"}, 'cost_centers=["A1","B2"]'), a string otherwise.
A claim is a standard one or a custom name (department, https://example.com/claims/cost_center: at most 128 of
A-Z a-z 0-9 _ . : / -), never a protocol claim (sub, iss, aud, …); at most 64 custom claims and 8 KiB in all.
--group names groups that exist (group create).
At a terminal, --password-stdin asks for the password twice and does not show it.
A disabled or deleted user cannot sign in, and their sessions and tokens stop working at once.
'oidc-op user ACTION --help' shows one action.`,
  actions: {
    create: `usage: printf '%s\\n' PASSWORD | oidc-op user create --username NAME --password-stdin [--email E] [--name N]
                                    [--claim key=value…] [--role user|admin] [--group NAME…] [--json]

A user with a random stable sub. A claim value is JSON when it parses as JSON (address={"country":"NL"}).
At a terminal, --password-stdin asks for the password twice and does not show it.`,
    update: `usage: oidc-op user update NAME [--email E] [--name N] [--claim key=value…] [--role user|admin] [--group NAME…] [--json]

Changes the claims, role and groups given; --claim key=null removes a claim; --group replaces the list ('' clears it).`,
    'set-password': `usage: printf '%s\\n' PASSWORD | oidc-op user set-password NAME --password-stdin [--json]

At a terminal, --password-stdin asks for the password twice and does not show it. The new password ends every session,
token and consent the old one opened.`,
    'sign-out': `usage: oidc-op user sign-out NAME [SESSION] [--json]

Ends every session of the user (or only SESSION, an id 'user sessions' lists). Each application a session signed
into that registered a back-channel logout URI receives a signed logout_token (retried a few times if it fails).`,
    mfa: `usage: oidc-op user mfa show NAME [--json] | oidc-op user mfa reset NAME [--json]

show: whether an authenticator app is enrolled and how many recovery codes are left (never a key or a code).
reset: removes every second factor (a lost phone) and ends the user's sessions and tokens; the next sign-in that needs one enrols anew. Audited.`,
    'revoke-consent': `usage: oidc-op user revoke-consent NAME CLIENT_ID [--json]

Ends the grant and every token of it; the client's next sign-in asks for consent again.`,
  },
  run: (context) => (context.action === 'mfa' ? userMfaCommand(context) : auditedRecordCommand(context, 'user', () => userCommand(context), changeDetail(context.values))),
};
