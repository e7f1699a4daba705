/** `oidc-op user mfa show|reset NAME`: a user's second factors, and their reset for a lost phone (audited). */
import type { FactorSummary } from '../../mfa/factors.js';
import { audited } from '../../audit/audited.js';
import { printable } from '../../printable.js';
import { positional, UsageError } from '../args.js';
import { cliActor, type Context, type Output } from './command.js';

const summaryText = (username: string, s: FactorSummary) =>
  [
    `user ${printable(username)}`,
    `  authenticator app: ${s.totp ? `enrolled ${printable(s.totpEnrolledAt ?? '')}` : 'none'}`,
    `  recovery codes left: ${s.recoveryCodesLeft}${s.recoveryCodesCreatedAt ? ` (set made ${printable(s.recoveryCodesCreatedAt)})` : ''}`,
    `  passkeys: ${s.passkeys || 'none'}`,
    ...s.passkeyList.map((p) => `    ${printable(p.name ?? 'passkey')}, added ${printable(p.createdAt)}, ${passkeyKind(p.synced)}`),
  ].join('\n');

/** amr follows the same flag: a synced passkey signs in as swk, a device-bound one as hwk. */
const passkeyKind = (synced: boolean | undefined) => (synced === undefined ? 'synced or not: unknown until its next use' : synced ? 'synced (amr swk)' : 'this device only (amr hwk)');

export async function userMfaCommand({ stores, args }: Context): Promise<Output> {
  const [verb] = args;
  switch (verb) {
    case 'show': {
      const user = await stores.users.require(positional(args, 1, 'username'));
      const summary = await stores.mfa.summary(user.sub);
      return { json: { user: user.username, ...summary }, text: summaryText(user.username, summary) };
    }
    case 'reset': {
      const username = positional(args, 1, 'username');
      const what = { actor: cliActor(), action: 'user mfa reset', about: 'user' as const, subject: username };
      return audited(stores.audit, what, async () => {
        const user = await stores.users.require(username);
        const removed = await stores.mfa.reset(user.sub);
        // A credential changed: what the old factors opened ends, as after a new password.
        await stores.users.endSessions(user.username);
        return { json: { user: user.username, removed: { ...removed } }, text: `second factors of ${printable(user.username)} removed and their sessions ended; the next sign-in that needs one enrols anew` };
      });
    }
    default:
      throw new UsageError(`unknown user mfa command ${verb ?? ''}`.trim());
  }
}
