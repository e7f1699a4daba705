/** `oidc-op group`: local groups and their members (the `groups` claim). */
import { audited } from '../../audit/audited.js';
import type { GroupRecord } from '../../groups/groups.js';
import { printable } from '../../printable.js';
import { positional, UsageError } from '../args.js';
import { cliActor, type Command, type Context, type Output } from './command.js';

const groupLine = (g: GroupRecord) => `${printable(g.name)}${g.description ? `  ${printable(g.description)}` : ''}`;

function count(value: string | undefined, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${what} ${value}: a whole number`);
  return Number(value);
}

async function groupCommand({ stores, action, args, values }: Context): Promise<Output> {
  switch (action) {
    case 'create': {
      const group = await stores.groups.create({ name: positional(args, 0, 'group name'), description: values.description });
      return { json: { ...group }, text: `created group ${groupLine(group)}` };
    }
    case 'list': {
      const groups = await stores.groups.list();
      return { json: { groups }, text: groups.map(groupLine).join('\n') || '(no groups)' };
    }
    case 'show': {
      const group = await stores.groups.require(positional(args, 0, 'group name'));
      const page = await stores.groups.members(group.name, count(values.offset, 'offset', 0), count(values.limit, 'limit', 100));
      const json = { ...group, members: page.members, memberCount: page.total, ...(page.next !== undefined ? { next: page.next } : {}) };
      const more = page.next !== undefined ? `\n(more: --offset ${page.next})` : '';
      return { json, text: `${groupLine(group)}\nmembers (${page.total}): ${page.members.map(printable).join(' ') || '(none)'}${more}` };
    }
    case 'update': {
      const group = await stores.groups.update(positional(args, 0, 'group name'), { description: values.description });
      return { json: { ...group }, text: `updated group ${groupLine(group)}` };
    }
    case 'delete': {
      const { group, members } = await stores.groups.delete(positional(args, 0, 'group name'));
      return { json: { deleted: group.name, members }, text: `deleted group ${printable(group.name)} (${members.length} members left it)` };
    }
    case 'add-member':
    case 'remove-member': {
      const name = positional(args, 0, 'group name');
      const usernames = args.slice(1);
      if (!usernames.length) throw new UsageError('missing username');
      const change = action === 'add-member' ? stores.groups.addMembers(name, usernames) : stores.groups.removeMembers(name, usernames);
      const users = await change;
      return { json: { group: name, users: users.map((u) => ({ username: u.username, groups: u.groups ?? [] })) }, text: users.map((u) => `${printable(u.username)}: ${(u.groups ?? []).map(printable).join(', ') || '(no groups)'}`).join('\n') };
    }
    default:
      throw new UsageError(`unknown group command ${action ?? ''}`.trim());
  }
}

export const group: Command = {
  name: 'group',
  usage: 'group ACTION [options] [--json]',
  synopsis: `  group create NAME [--description TEXT] | group update NAME [--description TEXT] | group delete NAME
  group list | group show NAME [--offset N] [--limit N]   (members by username, a page at a time: at most 500)
  group add-member GROUP USER… | group remove-member GROUP USER…`,
  help: `A group's name keeps its case and is unique whatever the case. The built-in scope 'groups' releases the names of a
user's groups in the 'groups' claim. Deleting a group removes every membership in it.`,
  run: (context) => {
    const { stores, action, args } = context;
    const run = () => groupCommand(context);
    if (['list', 'show'].includes(action ?? '')) return run();
    return audited(stores.audit, { actor: cliActor(), action: `group ${action ?? ''} ${args.join(' ')}`.trim().slice(0, 200), about: 'setting' }, run);
  },
};
