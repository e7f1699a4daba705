/**
 * Export and import of the admin data (clients, users, scopes, runtime settings) as one document. An import is
 * validated whole, then written in one step: all four collections or none of them. Into a store that already holds
 * admin data it is refused unless `replace` is asked for; then the document replaces all four collections (records
 * it does not list are gone). Signing keys, admin tokens, sessions, grants and the audit trail are not part of it.
 */
import { usernameKey, type UserRecord } from '../accounts/users.js';
import type { ClientRecord } from '../clients/client-record.js';
import { RecordError, type CollectionContent, type CollectionSet } from '../storage/collection.js';
import { checkDocument, toDocument, type AdminDocument, type AdminRecords, type DocumentRules } from './backup-document.js';
import { SETTINGS_ID, type ProviderSettings } from '../settings/provider-settings.js';
import type { ScopeRecord } from '../scopes/scopes.js';
import { groupKey } from '../groups/group-names.js';
import type { GroupRecord } from '../groups/groups.js';
import { linkKey, type LinkRecord } from '../idps/federated-accounts.js';

/** The collections stores.ts keeps the admin data in. */
const NAMES = { clients: 'clients', users: 'users', scopes: 'scopes', settings: 'settings', groups: 'groups', idpLinks: 'idp-links' } as const;

export interface ImportSummary {
  replaced: boolean;
  clients: number;
  users: number;
  scopes: number;
  settings: number;
  groups: number;
}

export class AdminData {
  constructor(
    private readonly sets: CollectionSet,
    private readonly rules: DocumentRules,
    /** Called once an import is written (the stores' in-memory copies are stale then). */
    private readonly afterImport: () => Promise<void> = async () => undefined,
  ) {}

  async export(): Promise<AdminDocument> {
    const [clients, users, scopes, settings, groups] = await Promise.all([
      this.sets.collection<ClientRecord>(NAMES.clients).list(),
      this.sets.collection<UserRecord>(NAMES.users).list(),
      this.sets.collection<ScopeRecord>(NAMES.scopes).list(),
      this.sets.collection<Partial<ProviderSettings>>(NAMES.settings).get(SETTINGS_ID),
      this.sets.collection<GroupRecord>(NAMES.groups).list(),
    ]);
    return toDocument({ clients, users, scopes, settings: settings ?? {}, groups });
  }

  /** Validates the whole document, then writes it in one step; refuses (nothing written) what it cannot take. */
  async import(document: unknown, replace: boolean): Promise<ImportSummary> {
    const records = checkDocument(document, this.rules);
    const { busy } = await this.sets.replaceAll(contents(records), !replace);
    if (busy.length) {
      throw new RecordError(`the store already holds ${busy.join(', ')}: import into an empty store, or replace everything it holds with --replace (API: ?replace=true)`, 'exists');
    }
    await this.afterImport();
    return {
      replaced: replace,
      clients: records.clients.length,
      users: records.users.length,
      scopes: records.scopes.length,
      settings: Object.keys(records.settings).length,
      groups: records.groups.length,
    };
  }
}

function contents(records: AdminRecords): CollectionContent[] {
  return [
    { name: NAMES.clients, entries: records.clients.map((c) => ({ id: c.metadata.client_id, value: c })) },
    { name: NAMES.users, entries: records.users.map((u) => ({ id: u.sub, value: u, alias: usernameKey(u.username) })) },
    { name: NAMES.scopes, entries: records.scopes.map((s) => ({ id: s.id, value: s })) },
    { name: NAMES.settings, entries: Object.keys(records.settings).length ? [{ id: SETTINGS_ID, value: records.settings }] : [] },
    { name: NAMES.groups, entries: records.groups.map((g) => ({ id: groupKey(g.name), value: g })) },
    // The upstream identities' index is the users' own link lists turned around: written in the same step as they are.
    {
      name: NAMES.idpLinks,
      entries: records.users.flatMap((u) => (u.links ?? []).map((l) => ({ id: linkKey(l.idp, l.subject), value: { sub: u.sub, idp: l.idp, subject: l.subject, linkedAt: l.linkedAt } satisfies LinkRecord }))),
    },
  ];
}
