/**
 * The admin data as one JSON document (`oidc-op export`, `import`): the registry's clients with their secret
 * hashes, the users with their argon2id hashes and group memberships, the groups, the directories (their bind
 * password sealed or absent), the upstream identity providers (an OIDC client secret sealed or absent, SAML metadata
 * as it is), and the scopes and runtime settings an administrator stored. No
 * plain secret, no signing key, no admin token. Pure: `checkDocument` validates a whole document by the stores'
 * own rules before anything is written, and every refusal names its path (`clients[3].redirect_uris[0]`) and the rule.
 */
import type { ClientMetadata } from 'oidc-provider';
import { z } from 'zod';
import { checkUser, ROLES, usernameKey, type Role, type UserRecord } from '../accounts/users.js';
import { redirectUriProblem } from '../clients/redirect-uri-policy.js';
import { asNewClient, AUTH_METHODS } from '../clients/client-input.js';
import type { ClientRecord } from '../clients/client-record.js';
import type { ClientRegistry } from '../clients/registry.js';
import { STANDARD_SCOPES } from '../oidc/claims.js';
import { RecordError } from '../storage/collection.js';
import { subSchema } from '../oidc/subject.js';
import { parseSetting, SETTING_KEYS, SettingError, type ProviderSettings } from '../settings/provider-settings.js';
import { parseScope, type ScopeRecord } from '../scopes/scopes.js';
import { BUILT_IN_SCOPES } from '../scopes/built-in-scopes.js';
import { groupKey, groupNameProblem } from '../groups/group-names.js';
import type { GroupRecord } from '../groups/groups.js';
import { directoryInputSchema, type DirectoryRecord } from '../directories/directory-record.js';
import { idpInputSchema, type IdpRecord, type OidcSettings } from '../idps/idp-record.js';

export const DOCUMENT_VERSION = 1;

/** A client as exported: its oidc-provider metadata (the secret as its sha256: hash) and our own fields. */
export type ExportedClient = ClientMetadata & {
  description?: string;
  disabled: boolean;
  created_at: string;
  updated_at?: string;
  /** Carried along: a restored client keeps refusing the tokens its disable or secret rotation ended. */
  credentials_changed_at?: string;
  registered?: Record<string, unknown>;
};
export type ExportedUser = Omit<UserRecord, 'role' | 'disabled'> & { role: Role; disabled: boolean };
/** A directory as exported: its bind password only sealed with KEYS_ENCRYPTION_KEY (`sealed:…`), or absent. */
export type ExportedDirectory = Omit<DirectoryRecord, 'bindPassword'> & { bindPassword?: string };
/** An upstream IdP as exported: an OIDC client secret only sealed with KEYS_ENCRYPTION_KEY, or absent. */
export type ExportedIdp = Omit<IdpRecord, 'oidc'> & { oidc?: Omit<OidcSettings, 'clientSecret'> & { clientSecret?: string } };

export interface AdminDocument {
  version: typeof DOCUMENT_VERSION;
  clients: ExportedClient[];
  users: ExportedUser[];
  scopes: ScopeRecord[];
  settings: Partial<ProviderSettings>;
  /** Local groups; the memberships are on the users (`groups`). */
  groups: GroupRecord[];
  directories: ExportedDirectory[];
  idps: ExportedIdp[];
}

/** What the stores hold, ready to be written; a directory's bind password and an IdP's client secret as they travel. */
export interface AdminRecords {
  clients: ClientRecord[];
  users: UserRecord[];
  scopes: ScopeRecord[];
  settings: Partial<ProviderSettings>;
  groups: GroupRecord[];
  directories: ExportedDirectory[];
  idps: ExportedIdp[];
}

/** A document refused: every problem found, each `path: rule`. */
export class DocumentError extends RecordError {
  override name = 'DocumentError';
  constructor(readonly issues: string[]) {
    super(`the document is refused, nothing was changed:\n  ${issues.join('\n  ')}`, 'invalid');
  }
}

export interface DocumentRules {
  production: boolean;
  /** Scopes of config/scopes.json: known to clients whether or not the document lists them. */
  configuredScopes: readonly string[];
  settingDefaults: ProviderSettings;
  /** The registry's validation: what a client must be to be created or changed. */
  metadataFor: ClientRegistry['metadataFor'];
}

const byText = <T>(key: (item: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** The stored records as one document, in a stable order (an export of an unchanged store is the same document). */
export function toDocument(records: AdminRecords): AdminDocument {
  const clients = records.clients.map(
    (r): ExportedClient => ({
      ...r.metadata,
      ...(r.description ? { description: r.description } : {}),
      disabled: r.disabled === true,
      created_at: r.createdAt,
      ...(r.updatedAt ? { updated_at: r.updatedAt } : {}),
      ...(r.credentialsChangedAt ? { credentials_changed_at: r.credentialsChangedAt } : {}),
      ...(r.registered ? { registered: r.registered } : {}),
    }),
  );
  const users = records.users.map((u): ExportedUser => ({ ...u, role: u.role ?? 'user', disabled: u.disabled === true }));
  const settings = Object.fromEntries(SETTING_KEYS.filter((k) => k in records.settings).map((k) => [k, records.settings[k]]));
  return {
    version: DOCUMENT_VERSION,
    clients: clients.sort(byText((c) => c.client_id)),
    users: users.sort(byText((u) => u.sub)),
    scopes: [...records.scopes].sort(byText((s) => s.id)),
    settings,
    groups: [...records.groups].sort(byText((g) => groupKey(g.name))),
    directories: [...records.directories].sort(byText((d) => d.name)),
    idps: [...records.idps].sort(byText((i) => i.name)),
  };
}

/** What an export leaves out for the reader to know: each directory's bind password, each OIDC client secret, that does not travel. */
export const exportNotes = (doc: Pick<AdminDocument, 'directories' | 'idps'>): string[] => [
  ...doc.directories
    .filter((d) => !d.bindPassword)
    .map((d) => `directory ${d.name}: its bind password is not in the document (it travels only sealed with KEYS_ENCRYPTION_KEY); after the import, set it with: oidc-op directory update ${d.name} --bind-password-stdin`),
  ...doc.idps
    .filter((i) => i.oidc && !i.oidc.clientSecret)
    .map((i) => `idp ${i.name}: its client secret is not in the document (it travels only sealed with KEYS_ENCRYPTION_KEY); after the import, set it with: oidc-op idp update ${i.name} --client-secret-stdin`),
];

const SECRET_HASH = /^sha256:[A-Za-z0-9_-]{43}$/;
const ARGON2ID = /^\$argon2id\$v=\d+\$[a-z]=\d+(,[a-z]=\d+)*\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const time = z.iso.datetime({ error: 'a UTC date and time (ISO 8601)' });
// A JWE in compact form behind the seal's prefix; a bind password of the longest allowed length fits.
const SEALED = /^sealed:[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*){4}$/;

function documentSchema(rules: DocumentRules) {
  const uri = z.string().superRefine((value, ctx) => {
    const problem = redirectUriProblem(value, rules);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
  const client = z.strictObject({
    client_id: z.string().regex(/^[A-Za-z0-9._~-]{1,128}$/, 'letters, digits and . _ ~ - (1 to 128)'),
    client_name: z.string(),
    redirect_uris: z.array(uri),
    post_logout_redirect_uris: z.array(uri).optional(),
    response_types: z.array(z.string()),
    grant_types: z.array(z.string()).optional(),
    token_endpoint_auth_method: z.enum(AUTH_METHODS, { error: `one of ${AUTH_METHODS.join(', ')}` }),
    client_secret: z.string().regex(SECRET_HASH, 'the secret as its sha256: hash (an export never holds a plain secret)').optional(),
    scope: z.string().optional(),
    logo_uri: z.string().optional(),
    client_uri: z.string().optional(),
    policy_uri: z.string().optional(),
    tos_uri: z.string().optional(),
    first_party: z.boolean().optional(),
    always_select_account: z.boolean().optional(),
    require_mfa: z.boolean().optional(),
    access_token_ttl: z.number().optional(),
    id_token_ttl: z.number().optional(),
    groups_filter: z.array(z.string()).optional(),
    claim_map: z.record(z.string(), z.string()).optional(),
    backchannel_logout_uri: z.string().optional(),
    backchannel_logout_session_required: z.boolean().optional(),
    frontchannel_logout_uri: z.string().optional(),
    frontchannel_logout_session_required: z.boolean().optional(),
    description: z.string().optional(),
    disabled: z.boolean().default(false),
    created_at: time,
    updated_at: time.optional(),
    credentials_changed_at: time.optional(),
    // What oidc-provider accepted from a client that registered itself (RFC 7591), kept as it was.
    registered: z.record(z.string(), z.unknown()).optional(),
  });
  const user = z.strictObject({
    sub: subSchema,
    username: z.string(),
    // Empty for an account mirrored from a directory or an upstream: it has no password here.
    passwordHash: z.union([z.string().regex(ARGON2ID, 'an argon2id hash in PHC form ($argon2id$v=19$m=…,t=…,p=…$salt$hash)'), z.literal('')]),
    claims: z.record(z.string(), z.unknown()).default({}),
    groups: z.array(z.string()).optional(),
    role: z.enum(ROLES, { error: `one of ${ROLES.join(', ')}` }).default('user'),
    disabled: z.boolean().default(false),
    credentialsChangedAt: time.optional(),
    // An upstream IdP's subject is its own (any string up to 255), not one of our subs.
    source: z.strictObject({ kind: z.enum(['directory', 'idp']), name: z.string().min(1).max(64), id: z.string().min(1).max(255) }).optional(),
    externalGroups: z.array(z.string().max(256)).max(200).optional(),
    links: z.array(z.strictObject({ idp: z.string().min(1).max(64), subject: z.string().min(1).max(255), linkedAt: time })).max(16).optional(),
    createdAt: time,
    updatedAt: time,
  }).refine((u) => u.passwordHash !== '' || u.source !== undefined, { message: 'passwordHash: an argon2id hash (only an account with a source has none)', path: ['passwordHash'] });
  return z.strictObject({
    version: z.literal(DOCUMENT_VERSION, { error: `${DOCUMENT_VERSION} (the format this provider writes)` }),
    clients: z.array(client),
    users: z.array(user),
    scopes: z.array(z.unknown()),
    settings: z.record(z.string(), z.union([z.boolean(), z.number(), z.string()])),
    // Absent from documents written before groups existed.
    groups: z
      .array(z.strictObject({ name: z.string(), description: z.string().max(300, 'at most 300 characters').optional(), createdAt: time, updatedAt: time }))
      .default([]),
    // Absent from documents written before directories were exported; each is checked by the directories' own rules.
    directories: z
      .array(
        z.looseObject({
          name: z.string().max(64),
          bindPassword: z.string().max(8192).regex(SEALED, 'sealed with KEYS_ENCRYPTION_KEY (sealed:…) or absent: a bind password never travels in plain text').optional(),
          createdAt: time,
          updatedAt: time,
        }),
      )
      .max(1000)
      .default([]),
    // Absent from documents written before IdPs were exported; each is checked by the IdPs' own rules.
    idps: z
      .array(
        z.looseObject({
          name: z.string().max(64),
          oidc: z
            .looseObject({
              clientSecret: z.string().max(8192).regex(SEALED, 'sealed with KEYS_ENCRYPTION_KEY (sealed:…) or absent: a client secret never travels in plain text').optional(),
            })
            .optional(),
          createdAt: time,
          updatedAt: time,
        }),
      )
      .max(1000)
      .default([]),
  });
}

const pathText = (path: readonly PropertyKey[]) =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '') || '(document)';

/** Runs a store's own check; what it refuses becomes an issue at `path`. */
function check(issues: string[], path: string, run: () => void): void {
  try {
    run();
  } catch (err) {
    if (!(err instanceof RecordError) && !(err instanceof SettingError)) throw err;
    issues.push(`${path}: ${err.message}`);
  }
}

/** The records a document stands for, or DocumentError listing everything wrong with it. */
export function checkDocument(input: unknown, rules: DocumentRules): AdminRecords {
  const parsed = documentSchema(rules).safeParse(input);
  if (!parsed.success) throw new DocumentError(parsed.error.issues.slice(0, 50).map((i) => `${pathText(i.path)}: ${i.message}`));
  const doc = parsed.data;
  const issues: string[] = [];
  const unique = <T>(items: readonly T[], key: (item: T) => string, list: string, field: string, what: string) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const first = seen.get(key(item));
      if (first === undefined) seen.set(key(item), i);
      else issues.push(`${list}[${i}].${field}: ${what} as ${list}[${first}]`);
    });
  };

  const scopes: ScopeRecord[] = [];
  doc.scopes.forEach((input, i) => check(issues, `scopes[${i}]`, () => scopes.push(parseScope(input))));
  unique(scopes, (s) => s.id, 'scopes', 'id', 'the same id');

  const known = [...new Set([...STANDARD_SCOPES, ...BUILT_IN_SCOPES.map((s) => s.id), ...rules.configuredScopes, ...scopes.map((s) => s.id)])];
  const clients: ClientRecord[] = [];
  doc.clients.forEach((c, i) => {
    const { client_id: id, client_secret: secretHash, description, disabled, created_at: createdAt, updated_at: updatedAt, credentials_changed_at: credentialsChangedAt, registered, ...metadata } = c;
    if (c.token_endpoint_auth_method === 'none' && secretHash) issues.push(`clients[${i}].client_secret: a public client (auth method none) has no secret`);
    else if (c.token_endpoint_auth_method !== 'none' && !secretHash) issues.push(`clients[${i}].client_secret: required for ${c.token_endpoint_auth_method} (the sha256: hash)`);
    check(issues, `clients[${i}]`, () => {
      // Read back in the administrator's terms and rebuilt: only what the registry itself would write is stored.
      const stored = { metadata: { ...metadata, client_id: id } as ClientMetadata, description, createdAt };
      const { metadata: checked } = rules.metadataFor(asNewClient(stored), id, known, secretHash);
      const text = description?.trim();
      clients.push({
        metadata: checked,
        ...(text ? { description: text } : {}),
        ...(disabled ? { disabled: true } : {}),
        ...(registered ? { registered } : {}),
        createdAt,
        ...(updatedAt ? { updatedAt } : {}),
        ...(credentialsChangedAt ? { credentialsChangedAt } : {}),
      });
    });
  });
  unique(doc.clients, (c) => c.client_id, 'clients', 'client_id', 'the same id');

  doc.groups.forEach((g, i) => {
    const problem = groupNameProblem(g.name);
    if (problem) issues.push(`groups[${i}].name: ${problem}`);
  });
  unique(doc.groups, (g) => groupKey(g.name), 'groups', 'name', 'the same name (matched case-insensitively)');
  const groupNames = new Map(doc.groups.map((g) => [groupKey(g.name), g.name]));
  const users: UserRecord[] = [];
  doc.users.forEach((u, i) => {
    check(issues, `users[${i}]`, () => checkUser(u));
    // Every membership names a group of the document, under its name as created: none left dangling.
    const groups = (u.groups ?? []).map((name, j) => {
      const found = groupNames.get(groupKey(name));
      if (!found) issues.push(`users[${i}].groups[${j}]: group ${name} is not among the document's groups`);
      return found ?? name;
    });
    const { groups: _given, ...rest } = u;
    users.push({ ...rest, ...(groups.length ? { groups: [...new Set(groups)] } : {}) });
  });
  unique(doc.users, (u) => u.sub, 'users', 'sub', 'the same sub');
  // One upstream identity signs in as one user only.
  unique(doc.users.flatMap((u) => u.links ?? []), (l) => `${l.idp}\n${l.subject}`, 'users', 'links', 'the same upstream identity (idp and subject)');
  unique(doc.users, (u) => usernameKey(u.username), 'users', 'username', 'the same username (matched case-insensitively)');

  const settings: Partial<ProviderSettings> = {};
  for (const [key, value] of Object.entries(doc.settings)) {
    check(issues, `settings.${key}`, () => {
      const [k, typed] = parseSetting(key, String(value), { ...rules.settingDefaults, ...settings, ...(doc.settings as Partial<ProviderSettings>) });
      Object.assign(settings, { [k]: typed });
    });
  }

  const directories: ExportedDirectory[] = [];
  doc.directories.forEach(({ bindPassword, createdAt, updatedAt, ...fields }, i) => {
    // The directories' own schema, with a stand-in for the password it requires: the real one is sealed or absent.
    const parsed = directoryInputSchema.safeParse({ ...fields, bindPassword: 'x' });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push(`directories[${i}]${issue.path.length ? `.${pathText(issue.path)}` : ''}: ${issue.message.replace(/^[A-Za-z]+: /, '')}`);
      return;
    }
    const { bindPassword: _standIn, ...valid } = parsed.data;
    directories.push({ ...valid, ...(bindPassword ? { bindPassword } : {}), createdAt, updatedAt });
  });
  unique(doc.directories, (d) => d.name, 'directories', 'name', 'the same name');

  const idps: ExportedIdp[] = [];
  doc.idps.forEach(({ createdAt, updatedAt, ...fields }, i) => {
    const clientSecret = fields.oidc?.clientSecret;
    // The IdPs' own schema, with a stand-in for the client secret it requires: the real one is sealed or absent.
    const parsed = idpInputSchema.safeParse(fields.oidc ? { ...fields, oidc: { ...fields.oidc, clientSecret: 'x' } } : fields);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push(`idps[${i}]${issue.path.length ? `.${pathText(issue.path)}: ${issue.message.replace(/^[A-Za-z.]+: /, '')}` : `: ${issue.message}`}`);
      return;
    }
    const { oidc, ...valid } = parsed.data;
    const exported: ExportedIdp = { ...valid, createdAt, updatedAt };
    if (oidc) {
      const { clientSecret: _standIn, ...settings } = oidc;
      exported.oidc = { ...settings, ...(clientSecret ? { clientSecret } : {}) };
    }
    idps.push(exported);
  });
  unique(doc.idps, (d) => d.name, 'idps', 'name', 'the same name');

  if (issues.length) throw new DocumentError(issues.slice(0, 50));
  const groups = doc.groups.map(({ description, ...g }) => ({ ...g, ...(description?.trim() ? { description: description.trim() } : {}) }));
  return { clients, users, scopes, settings, groups, directories, idps };
}
