/**
 * Export and import of the admin data (clients, users, groups, directories, upstream IdPs, scopes, runtime settings) as one
 * document. An import is validated whole, then written in one step: every collection or none of them. Into a store
 * that already holds admin data it is refused unless `replace` is asked for; then the document replaces them all
 * (records it does not list are gone). Signing keys, admin tokens, second factors, sessions, grants and the audit
 * trail are not part of it. A directory's bind password and an IdP's OIDC client secret travel sealed with
 * KEYS_ENCRYPTION_KEY, or not at all.
 */
import { usernameKey, type UserRecord } from '../accounts/users.js';
import type { ClientRecord } from '../clients/client-record.js';
import { RecordError, type CollectionContent, type CollectionSet } from '../storage/collection.js';
import { checkDocument, toDocument, type AdminDocument, type AdminRecords, type DocumentRules } from './backup-document.js';
import { SETTINGS_ID, type ProviderSettings } from '../settings/provider-settings.js';
import type { ScopeRecord } from '../scopes/scopes.js';
import { groupKey } from '../groups/group-names.js';
import type { GroupRecord } from '../groups/groups.js';
import type { DirectoryRecord } from '../directories/directory-record.js';
import { isSealed, openPassword, sealPassword } from '../directories/bind-password-seal.js';
import { DocumentError, type ExportedDirectory, type ExportedIdp } from './backup-document.js';
import { linkKey, type LinkRecord } from '../idps/federated-accounts.js';
import type { IdpRecord } from '../idps/idp-record.js';
import { isSealed as isSealedSecret, openSecret, sealSecret } from '../idps/client-secret-seal.js';

/** The collections stores.ts keeps the admin data in. */
const NAMES = { clients: 'clients', users: 'users', scopes: 'scopes', settings: 'settings', groups: 'groups', directories: 'directories', idps: 'idps', idpLinks: 'idp-links' } as const;

export interface ImportSummary {
  replaced: boolean;
  clients: number;
  users: number;
  scopes: number;
  settings: number;
  groups: number;
  directories: number;
  /** Directories whose bind password was absent from the document and is kept from the directory of that name here. */
  bindPasswordsKept: string[];
  /** Directories imported without a bind password: they refuse sign-ins until one is set. */
  bindPasswordsNeeded: string[];
  idps: number;
  /** OIDC IdPs whose client secret was absent from the document and is kept from the IdP of that name here. */
  clientSecretsKept: string[];
  /** OIDC IdPs imported without a client secret: they refuse sign-ins until one is set. */
  clientSecretsNeeded: string[];
}

export class AdminData {
  constructor(
    private readonly sets: CollectionSet,
    private readonly rules: DocumentRules,
    /** Called once an import is written (the stores' in-memory copies are stale then). */
    private readonly afterImport: () => Promise<void> = async () => undefined,
    /** KEYS_ENCRYPTION_KEY: bind passwords leave sealed with it; without it they are left out. */
    private readonly key?: Uint8Array,
  ) {}

  async export(): Promise<AdminDocument> {
    const [clients, users, scopes, settings, groups, directories, idps] = await Promise.all([
      this.sets.collection<ClientRecord>(NAMES.clients).list(),
      this.sets.collection<UserRecord>(NAMES.users).list(),
      this.sets.collection<ScopeRecord>(NAMES.scopes).list(),
      this.sets.collection<Partial<ProviderSettings>>(NAMES.settings).get(SETTINGS_ID),
      this.sets.collection<GroupRecord>(NAMES.groups).list(),
      this.sets.collection<DirectoryRecord>(NAMES.directories).list(),
      this.sets.collection<IdpRecord>(NAMES.idps).list(),
    ]);
    return toDocument({
      clients,
      users,
      scopes,
      settings: settings ?? {},
      groups,
      directories: await Promise.all(directories.map((d) => this.#exported(d))),
      idps: await Promise.all(idps.map((i) => this.#exportedIdp(i))),
    });
  }

  /** An IdP as it leaves: an OIDC client secret sealed (as stored, or sealed now), or left out; SAML as it is. */
  async #exportedIdp({ oidc, ...rest }: IdpRecord): Promise<ExportedIdp> {
    if (!oidc) return rest;
    const { clientSecret, ...settings } = oidc;
    if (!this.key || !clientSecret) return { ...rest, oidc: settings };
    if (!isSealedSecret(clientSecret)) return { ...rest, oidc: { ...settings, clientSecret: await sealSecret(this.key, rest.name, clientSecret) } };
    // Sealed under an earlier key: no side could open it, so it is left out and the export's note asks for it.
    const opens = await openSecret(this.key, rest.name, clientSecret).then(() => true, () => false);
    return { ...rest, oidc: opens ? { ...settings, clientSecret } : settings };
  }

  /**
   * Each OIDC IdP's client secret as it will be stored: a sealed one must open with this side's key (refused
   * otherwise, nothing written); an absent one is kept from the IdP of that name being replaced, or left unset.
   */
  async #idps(given: ExportedIdp[], replace: boolean) {
    const existing = new Map(replace ? (await this.sets.collection<IdpRecord>(NAMES.idps).list()).map((i) => [i.name, i.oidc?.clientSecret]) : []);
    const issues: string[] = [];
    const kept: string[] = [];
    const needed: string[] = [];
    const records = await Promise.all(
      given.map(async ({ oidc, ...idp }, i): Promise<IdpRecord> => {
        if (!oidc) return idp;
        const { clientSecret, ...settings } = oidc;
        if (clientSecret) {
          if (!this.key) issues.push(`idps[${i}].oidc.clientSecret: sealed with KEYS_ENCRYPTION_KEY where it was exported; set KEYS_ENCRYPTION_KEY here to the same key`);
          else await openSecret(this.key, idp.name, clientSecret).catch(() => issues.push(`idps[${i}].oidc.clientSecret: KEYS_ENCRYPTION_KEY here does not open it (it was exported under another key); use the same key, or export without a key and set the secret after the import`));
          return { ...idp, oidc: { ...settings, clientSecret } };
        }
        const old = existing.get(idp.name);
        (old ? kept : needed).push(idp.name);
        return { ...idp, oidc: { ...settings, clientSecret: old ?? '' } };
      }),
    );
    if (issues.length) throw new DocumentError(issues.slice(0, 50));
    return { records, kept: kept.sort(), needed: needed.sort() };
  }

  /** A directory as it leaves: its stored seal as it is (so an unchanged store exports the same document), else none. */
  async #exported({ bindPassword, ...rest }: DirectoryRecord): Promise<ExportedDirectory> {
    if (!this.key || !bindPassword) return rest;
    if (!isSealed(bindPassword)) return { ...rest, bindPassword: await sealPassword(this.key, rest.name, bindPassword) };
    // Sealed under an earlier key (KEYS_ENCRYPTION_KEY changed since): no side could open it, so it is left out
    // like an unsealed one, and the export's note asks for it after the import.
    const opens = await openPassword(this.key, rest.name, bindPassword).then(() => true, () => false);
    return opens ? { ...rest, bindPassword } : rest;
  }

  /**
   * Each directory's bind password as it will be stored: a sealed one must open with this side's key (refused
   * otherwise, nothing written); an absent one is kept from the directory of that name being replaced, or left unset.
   */
  async #directories(given: ExportedDirectory[], replace: boolean) {
    const existing = new Map(replace ? (await this.sets.collection<DirectoryRecord>(NAMES.directories).list()).map((d) => [d.name, d.bindPassword]) : []);
    const issues: string[] = [];
    const kept: string[] = [];
    const needed: string[] = [];
    const records = await Promise.all(
      given.map(async ({ bindPassword, ...d }, i): Promise<DirectoryRecord> => {
        if (bindPassword) {
          if (!this.key) issues.push(`directories[${i}].bindPassword: sealed with KEYS_ENCRYPTION_KEY where it was exported; set KEYS_ENCRYPTION_KEY here to the same key`);
          else await openPassword(this.key, d.name, bindPassword).catch(() => issues.push(`directories[${i}].bindPassword: KEYS_ENCRYPTION_KEY here does not open it (it was exported under another key); use the same key, or export without a key and set the password after the import`));
          return { ...d, bindPassword };
        }
        const old = existing.get(d.name);
        (old ? kept : needed).push(d.name);
        return { ...d, bindPassword: old ?? '' };
      }),
    );
    if (issues.length) throw new DocumentError(issues.slice(0, 50));
    return { records, kept: kept.sort(), needed: needed.sort() };
  }

  /** Validates the whole document, then writes it in one step; refuses (nothing written) what it cannot take. */
  async import(document: unknown, replace: boolean): Promise<ImportSummary> {
    const records = checkDocument(document, this.rules);
    const directories = await this.#directories(records.directories, replace);
    const idps = await this.#idps(records.idps, replace);
    const { busy } = await this.sets.replaceAll(contents(records, directories.records, idps.records), !replace);
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
      directories: directories.records.length,
      bindPasswordsKept: directories.kept,
      bindPasswordsNeeded: directories.needed,
      idps: idps.records.length,
      clientSecretsKept: idps.kept,
      clientSecretsNeeded: idps.needed,
    };
  }
}

/** What an import reports beside its counts: each directory and IdP that kept or lacks its secret. */
export const importNotes = (summary: Pick<ImportSummary, 'bindPasswordsKept' | 'bindPasswordsNeeded' | 'clientSecretsKept' | 'clientSecretsNeeded'>): string[] => [
  ...summary.bindPasswordsKept.map((name) => `directory ${name}: the document carried no bind password; the one already set here is kept`),
  ...summary.bindPasswordsNeeded.map((name) => `directory ${name}: no bind password (the document carried none): it refuses sign-ins until you run oidc-op directory update ${name} --bind-password-stdin`),
  ...summary.clientSecretsKept.map((name) => `idp ${name}: the document carried no client secret; the one already set here is kept`),
  ...summary.clientSecretsNeeded.map((name) => `idp ${name}: no client secret (the document carried none): it refuses sign-ins until you run oidc-op idp update ${name} --client-secret-stdin`),
];

function contents(records: AdminRecords, directories: DirectoryRecord[], idps: IdpRecord[]): CollectionContent[] {
  return [
    { name: NAMES.clients, entries: records.clients.map((c) => ({ id: c.metadata.client_id, value: c })) },
    { name: NAMES.users, entries: records.users.map((u) => ({ id: u.sub, value: u, alias: usernameKey(u.username) })) },
    { name: NAMES.scopes, entries: records.scopes.map((s) => ({ id: s.id, value: s })) },
    { name: NAMES.settings, entries: Object.keys(records.settings).length ? [{ id: SETTINGS_ID, value: records.settings }] : [] },
    { name: NAMES.groups, entries: records.groups.map((g) => ({ id: groupKey(g.name), value: g })) },
    { name: NAMES.directories, entries: directories.map((d) => ({ id: d.name, value: d })) },
    { name: NAMES.idps, entries: idps.map((i) => ({ id: i.name, value: i })) },
    // The upstream identities' index is the users' own link lists turned around: written in the same step as they are.
    {
      name: NAMES.idpLinks,
      entries: records.users.flatMap((u) => (u.links ?? []).map((l) => ({ id: linkKey(l.idp, l.subject), value: { sub: u.sub, idp: l.idp, subject: l.subject, linkedAt: l.linkedAt } satisfies LinkRecord }))),
    },
  ];
}
