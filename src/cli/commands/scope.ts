/** `oidc-op scope`: the scopes, their consent texts and the claims they release. */
import { audited } from '../../audit/audited.js';
import type { LocalizedText } from '../../config/localized-text.js';
import { printable } from '../../printable.js';
import type { ScopeRecord } from '../../scopes/scopes.js';
import { positional, UsageError } from '../args.js';
import { cliActor, type Command, type Context, type Output } from './command.js';

/** A display text: per language when given as a JSON object, the same in every language otherwise. */
function localized(value: string | undefined): LocalizedText | undefined {
  if (value === undefined || !value.trim().startsWith('{')) return value;
  try {
    return JSON.parse(value) as LocalizedText;
  } catch {
    throw new UsageError(`${value}: not valid JSON (give plain text, or {"en":"…","zh-CN":"…"})`);
  }
}

/** --display CLAIM=TEXT…: what the consent page calls a claim (TEXT plain, or per language as JSON). */
function displays(pairs: string[] | undefined): Record<string, LocalizedText> | undefined {
  if (pairs === undefined) return undefined;
  const display: Record<string, LocalizedText> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--display ${pair}: expected CLAIM=TEXT`);
    display[pair.slice(0, eq)] = localized(pair.slice(eq + 1))!;
  }
  return display;
}

async function scopeCommand({ stores, action, args, values }: Context): Promise<Output> {
  const one = (scope: ScopeRecord) => ({ json: { ...scope }, text: JSON.stringify(scope, null, 2) });
  const fields = {
    name: localized(values.name),
    description: localized(values.description),
    claims: values.claim,
    display: displays(values.display),
    icon: values.icon,
    default: values.default,
  };
  switch (action) {
    case 'list': {
      const scopes = await stores.scopes.list();
      return { json: { scopes }, text: scopes.map((s) => `${printable(s.id)}${s.default ? ' (default)' : ''}  ${printable(s.claims.join(' '))}`).join('\n') };
    }
    case 'show':
      return one(await stores.scopes.require(positional(args, 0, 'scope id')));
    case 'create':
      return one(await stores.scopes.create({ id: positional(args, 0, 'scope id'), ...fields, name: fields.name ?? '', description: fields.description ?? '' }));
    case 'update':
      return one(await stores.scopes.update(positional(args, 0, 'scope id'), fields));
    case 'delete': {
      const removed = await stores.scopes.delete(positional(args, 0, 'scope id'));
      return { json: { deleted: removed.id }, text: `deleted scope ${printable(removed.id)}` };
    }
    default:
      throw new UsageError(`unknown scope command ${action ?? ''}`.trim());
  }
}

export const scope: Command = {
  name: 'scope',
  usage: 'scope ACTION [options] [--json]',
  synopsis: `  scope create ID --name TEXT --description TEXT [--claim CLAIM…] [--display CLAIM=TEXT…] [--icon NAME] [--default]
  scope update ID [--name TEXT] [--description TEXT] [--claim CLAIM…] [--display CLAIM=TEXT…] [--icon NAME] [--[no-]default]
  scope list | scope show ID | scope delete ID
                                       (TEXT is plain, or per language as {"en":"…","zh-CN":"…"}; {user} and
                                        {client_name} are filled in on the consent page; --default: new clients get it)`,
  help: `--claim names a claim the scope releases, standard or custom (employee_number, https://example.com/claims/cost_center);
repeat it for several. --display names a custom claim on the consent page (plain, or {"en":"…","zh-CN":"…"}); the raw
name shows otherwise. Standard, built-in (groups) and configured scopes can be changed, not deleted.`,
  run: (context) => {
    const { stores, action, args } = context;
    const run = () => scopeCommand(context);
    if (['list', 'show'].includes(action ?? '')) return run();
    return audited(stores.audit, { actor: cliActor(), action: `scope ${action ?? ''} ${args[0] ?? ''}`.trim(), about: 'setting' }, run);
  },
};
