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
import { bindPasswordOwner } from '../directories/bind-password-seal.js';
import { DocumentError, type ExportedDirectory, type ExportedIdp } from './backup-document.js';
import { linkKey, type LinkRecord } from '../idps/federated-accounts.js';
import type { IdpRecord } from '../idps/idp-record.js';
import { clientSecretOwner } from '../idps/client-secret-seal.js';
import { isSealed, openSecret, sealSecret, type SecretOwner } from '../keys/sealed-secret.js';

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

  /** An IdP as it leaves: an OIDC client secret sealed, or left out (see leaving); SAML as it is. */
  async #exportedIdp({ oidc, ...rest }: IdpRecord): Promise<ExportedIdp> {
    if (!oidc) return rest;
    const { clientSecret, ...settings } = oidc;
    const sealed = await leaving(this.key, clientSecretOwner(rest.name), clientSecret);
    return { ...rest, oidc: sealed ? { ...settings, clientSecret: sealed } : settings };
  }

  /** Each OIDC IdP's client secret as it will be stored (see arriving); SAML IdPs have none. */
  async #idps(given: ExportedIdp[], replace: boolean) {
    const existing = new Map(replace ? (await this.sets.collection<IdpRecord>(NAMES.idps).list()).map((i) => [i.name, i.oidc?.clientSecret]) : []);
    const withSecret = given.flatMap((idp, i) => (idp.oidc ? [{ name: idp.name, secret: idp.oidc.clientSecret, path: `idps[${i}].oidc.clientSecret` }] : []));
    const { secrets, kept, needed } = await arriving(this.key, withSecret, existing, clientSecretOwner, 'secret');
    const records = given.map(({ oidc, ...idp }): IdpRecord => {
      if (!oidc) return idp;
      const { clientSecret: _, ...settings } = oidc;
      return { ...idp, oidc: { ...settings, clientSecret: secrets.get(idp.name) ?? '' } };
    });
    return { records, kept, needed };
  }

  /** A directory as it leaves: its bind password sealed, or left out (see leaving). */
  async #exported({ bindPassword, ...rest }: DirectoryRecord): Promise<ExportedDirectory> {
    const sealed = await leaving(this.key, bindPasswordOwner(rest.name), bindPassword);
    return sealed ? { ...rest, bindPassword: sealed } : rest;
  }

  /** Each directory's bind password as it will be stored (see arriving). */
  async #directories(given: ExportedDirectory[], replace: boolean) {
    const existing = new Map(replace ? (await this.sets.collection<DirectoryRecord>(NAMES.directories).list()).map((d) => [d.name, d.bindPassword]) : []);
    const { secrets, kept, needed } = await arriving(
      this.key,
      given.map((d, i) => ({ name: d.name, secret: d.bindPassword, path: `directories[${i}].bindPassword` })),
      existing,
      bindPasswordOwner,
      'password',
    );
    const records = given.map(({ bindPassword: _, ...d }): DirectoryRecord => ({ ...d, bindPassword: secrets.get(d.name) ?? '' }));
    return { records, kept, needed };
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

/**
 * A stored secret (a bind password, a client secret) as it leaves in a document: its stored seal as it is (so an
 * unchanged store exports the same document), sealed now when stored plain, or left out: without a key, or when
 * sealed under an earlier key that no side could open (the export's note asks for it after the import).
 */
async function leaving(key: Uint8Array | undefined, owner: SecretOwner, secret: string | undefined): Promise<string | undefined> {
  if (!key || !secret) return undefined;
  if (!isSealed(secret)) return sealSecret(key, owner, secret);
  return (await openSecret(key, owner, secret).then(() => true, () => false)) ? secret : undefined;
}

/**
 * The secrets of a document's records as they will be stored: a sealed one must open with this side's key (refused
 * otherwise, nothing written); an absent one is kept from the record of that name being replaced, or left unset.
 */
async function arriving(
  key: Uint8Array | undefined,
  given: { name: string; secret: string | undefined; path: string }[],
  existing: Map<string, string | undefined>,
  owner: (name: string) => SecretOwner,
  what: 'password' | 'secret',
): Promise<{ secrets: Map<string, string>; kept: string[]; needed: string[] }> {
  const issues: string[] = [];
  const secrets = new Map<string, string>();
  const kept: string[] = [];
  const needed: string[] = [];
  await Promise.all(
    given.map(async ({ name, secret, path }) => {
      if (secret) {
        if (!key) issues.push(`${path}: sealed with KEYS_ENCRYPTION_KEY where it was exported; set KEYS_ENCRYPTION_KEY here to the same key`);
        else await openSecret(key, owner(name), secret).catch(() => issues.push(`${path}: KEYS_ENCRYPTION_KEY here does not open it (it was exported under another key); use the same key, or export without a key and set the ${what} after the import`));
        secrets.set(name, secret);
        return;
      }
      const old = existing.get(name);
      if (old) secrets.set(name, old);
      (old ? kept : needed).push(name);
    }),
  );
  if (issues.length) throw new DocumentError(issues.slice(0, 50));
  return { secrets, kept: kept.sort(), needed: needed.sort() };
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
