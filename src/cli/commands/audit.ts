/** `oidc-op audit tail`: the newest audit events, newest first. */
import { printable } from '../../printable.js';
import { UsageError } from '../args.js';
import type { Command, Context, Output } from './command.js';

async function auditCommand({ stores, action, values }: Context): Promise<Output> {
  if (action !== 'tail') throw new UsageError(`unknown audit command ${action ?? ''}`.trim());
  const limit = Number(values.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit: a whole number from 1 to 10000');
  const events = await stores.audit.tail(limit, { user: values.user, client: values.client });
  const line = (e: (typeof events)[number]) =>
    [e.time, e.type, e.outcome, e.action, e.actor && `actor=${e.actor}`, e.user && `user=${e.user}`, e.client && `client=${e.client}`, e.ip && `ip=${e.ip}`]
      .filter(Boolean)
      .map((field) => printable(String(field)))
      .concat(e.count && e.count > 1 ? [`count=${e.count}`] : [], e.truncated ? ['truncated'] : [])
      .join('  ');
  return { json: { events }, text: events.map(line).join('\n') || '(no events)' };
}

export const audit: Command = {
  name: 'audit',
  usage: 'audit tail [--limit N] [--user SUB_OR_NAME] [--client ID] [--json]',
  synopsis: `  audit tail [--limit N] [--user SUB_OR_NAME] [--client ID]`,
  help: `The newest events of the three trails (admin, signin, tokens), newest first.
--limit: how many events, 1 to 10000 (50 by default); --user and --client keep only the events about them.
A counted event shows count=N; control characters are shown as escapes.`,
  run: auditCommand,
};
