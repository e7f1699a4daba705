/**
 * Clients created at run time (command line, later the admin API), stored in Redis and read by
 * oidc-provider through the Client adapter. Declarative clients from config/ are static and not here.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ClientMetadata } from 'oidc-provider';
import { fencePassed } from '../accounts/credential-fence.js';
import { signingAlgProblem } from '../keys/signing-algs.js';
import { RESPONSE_TYPES } from '../config/client-schema.js';
import { SIGNING_ALGS } from '../config/id-token-algs.js';
import { RecordError, updateRecord, type Collection } from '../storage/collection.js';
import { redirectUriProblem } from './redirect-uri-policy.js';
import { generateClientSecret, hashClientSecret } from './secrets.js';

export interface ClientRecord {
  metadata: ClientMetadata;
  /** For administrators: what the client is. */
  description?: string;
  /** A disabled client is unknown to oidc-provider until enabled again. */
  disabled?: boolean;
  /** The last disable or secret rotation: tokens issued before it are refused for good (credential-fence.ts). */
  credentialsChangedAt?: string;
  /**
   * Set for a client registered by itself (Dynamic Client Registration, RFC 7591): the metadata oidc-provider
   * accepted beyond the fields we model (contacts, application_type, …). Such a client is never first-party.
   */
  registered?: Record<string, unknown>;
  createdAt: string;
  updatedAt?: string;
}

export class ClientError extends RecordError {
  override name = 'ClientError';
}

export const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;
export const GRANT_TYPES = ['implicit', 'authorization_code', 'refresh_token'] as const;

const optionalUrl = (field: string) =>
  z
    .string()
    // Empty means none: a change can remove a link this way (the console's emptied field, --logo-uri '').
    .refine((v) => v === '' || /^https?:$/.test(URL.parse(v)?.protocol ?? ''), `${field}: must be an absolute http(s) URL`)
    .optional();
const lifetime = (field: string) =>
  z.number({ error: `${field}: a whole number of seconds` }).int(`${field}: a whole number of seconds`).min(60, `${field}: at least 60 seconds`).max(86_400, `${field}: at most 86400 seconds`).optional();

export const clientSchema = z.object({
  name: z.string().trim().min(1, 'name: required').max(200, 'name: at most 200 characters'),
  description: z.string().trim().max(1000, 'description: at most 1000 characters').optional(),
  redirectUris: z.array(z.string()).min(1, 'redirect-uri: at least one').max(50, 'redirect-uri: at most 50'),
  postLogoutRedirectUris: z.array(z.string()).max(50, 'post-logout-redirect-uri: at most 50').default([]),
  responseTypes: z
    .array(z.enum(RESPONSE_TYPES, { error: `response-type: one of ${RESPONSE_TYPES.map((t) => `"${t}"`).join(', ')}` }))
    .min(1, 'response-type: at least one'),
  grantTypes: z.array(z.enum(GRANT_TYPES, { error: `grant-type: one of ${GRANT_TYPES.join(', ')}` })).optional(),
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/, 'scope: a scope token (no spaces or quotes)')).optional(),
  authMethod: z.enum(AUTH_METHODS, { error: `auth-method: one of ${AUTH_METHODS.join(', ')}` }).default('none'),
  logoUri: optionalUrl('logo-uri'),
  clientUri: optionalUrl('client-uri'),
  policyUri: optionalUrl('policy-uri'),
  tosUri: optionalUrl('tos-uri'),
  firstParty: z.boolean().default(false),
  alwaysSelectAccount: z.boolean().default(false),
  accessTokenTtl: lifetime('access-token-ttl'),
  idTokenTtl: lifetime('id-token-ttl'),
  idTokenSignedResponseAlg: z
    .enum([...SIGNING_ALGS, ''], { error: `id-token-signed-response-alg: one of ${SIGNING_ALGS.join(', ')} (empty: the provider's default)` })
    .optional()
    .describe("the ID token's signing algorithm for this client; empty or not given: the provider's default (ID_TOKEN_SIGNING_ALG)"),
});

/** What an administrator asks for, unchecked: metadataFor() validates every field. */
export interface NewClient {
  name: string;
  description?: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  responseTypes: string[];
  /** Derived from the response types when not given. */
  grantTypes?: string[];
  /** The scopes the client may ask for; any known scope when not given. */
  scopes?: string[];
  authMethod?: string;
  logoUri?: string;
  clientUri?: string;
  policyUri?: string;
  tosUri?: string;
  /** The deployment's own application: no consent page. */
  firstParty?: boolean;
  /** Show the account chooser on every sign-in. */
  alwaysSelectAccount?: boolean;
  /** Seconds; the provider-wide lifetime when not given. */
  accessTokenTtl?: number;
  idTokenTtl?: number;
  /** RS256, ES256 or EdDSA; empty or not given: the provider-wide ID_TOKEN_SIGNING_ALG. */
  idTokenSignedResponseAlg?: string;
}

/** A change: every field given replaces the stored one (a list replaces the whole list). */
export type ClientChange = Partial<NewClient>;

/** Hex: 128 bits that never start with '-' (an id like '-x1' would read as an option on a command line). */
export const newClientId = () => randomBytes(16).toString('hex');

const FIRST_PARTY_REFUSED = 'first-party: never for a client that registered itself (it always asks for consent)';

export function grantTypesFor(responseTypes: readonly string[]): string[] {
  const grants = new Set<string>();
  for (const type of responseTypes) grants.add(type === 'code' ? 'authorization_code' : 'implicit');
  return [...grants];
}

/** Why a set of grant types does not fit the response types, or undefined. */
function grantTypesProblem(grantTypes: readonly string[], responseTypes: readonly string[]): string | undefined {
  const needed = grantTypesFor(responseTypes);
  const missing = needed.find((g) => !grantTypes.includes(g));
  if (missing) return `grant-type: ${missing} is needed by the response types`;
  if (grantTypes.includes('refresh_token') && !grantTypes.includes('authorization_code')) {
    return 'grant-type: refresh_token needs authorization_code (implicit clients never get refresh tokens)';
  }
  const unused = grantTypes.find((g) => g !== 'refresh_token' && !needed.includes(g));
  return unused ? `grant-type: ${unused} has no response type that uses it` : undefined;
}

/** The stored metadata back in the administrator's terms, so a change can be applied and validated as a whole. */
export function asNewClient(record: ClientRecord): NewClient {
  const m = record.metadata as ClientMetadata & Record<string, unknown>;
  return {
    name: String(m.client_name ?? ''),
    description: record.description,
    redirectUris: [...(m.redirect_uris ?? [])],
    postLogoutRedirectUris: [...(m.post_logout_redirect_uris ?? [])],
    responseTypes: [...(m.response_types ?? [])],
    grantTypes: m.grant_types && [...m.grant_types],
    scopes: typeof m.scope === 'string' ? m.scope.split(' ') : undefined,
    authMethod: m.token_endpoint_auth_method,
    logoUri: m.logo_uri,
    clientUri: m.client_uri,
    policyUri: m.policy_uri,
    tosUri: m.tos_uri,
    firstParty: m.first_party === true,
    alwaysSelectAccount: m.always_select_account === true,
    accessTokenTtl: typeof m.access_token_ttl === 'number' ? m.access_token_ttl : undefined,
    idTokenTtl: typeof m.id_token_ttl === 'number' ? m.id_token_ttl : undefined,
    idTokenSignedResponseAlg: m.id_token_signed_response_alg,
  };
}

export interface CreatedClient {
  client_id: string;
  /** Shown once: only its hash is stored. */
  client_secret?: string;
}

export class ClientRegistry {
  constructor(
    private readonly records: Collection<ClientRecord>,
    private readonly policy: {
      production: boolean;
      /** The scopes in force now: which a client may be allowed, and which new clients get by default. */
      scopes: () => Promise<{ known: readonly string[]; defaults: readonly string[] }>;
      /** The ID token algorithms the signing keys in service sign (keys/signing-algs.ts). */
      signingAlgs: () => Promise<readonly string[]>;
    },
  ) {}

  /**
   * Validates into oidc-provider metadata; throws ClientError naming the field and the rule. A confidential
   * client keeps `secretHash` when given, otherwise gets a new secret (returned once).
   */
  metadataFor(input: NewClient, clientId: string, knownScopes: readonly string[], secretHash?: string): { metadata: ClientMetadata; secret?: string } {
    const parsed = clientSchema.safeParse(input);
    if (!parsed.success) throw new ClientError(parsed.error.issues.map((i) => i.message).join('; '), 'invalid');
    const c = parsed.data;
    const uriChecks = [
      ...c.redirectUris.map((uri) => ['redirect-uri', uri] as const),
      ...c.postLogoutRedirectUris.map((uri) => ['post-logout-redirect-uri', uri] as const),
    ];
    for (const [field, uri] of uriChecks) {
      const problem = redirectUriProblem(uri, this.policy);
      if (problem) throw new ClientError(`${field} ${uri}: ${problem}`, 'invalid');
    }
    const responseTypes = [...new Set(c.responseTypes)];
    const grantTypes = c.grantTypes ? [...new Set(c.grantTypes)] : grantTypesFor(responseTypes);
    const grantProblem = grantTypesProblem(grantTypes, responseTypes);
    if (grantProblem) throw new ClientError(grantProblem, 'invalid');
    const unknownScope = c.scopes?.find((s) => !knownScopes.includes(s));
    if (unknownScope) throw new ClientError(`scope ${unknownScope}: not a scope this provider knows (${knownScopes.join(', ')})`, 'invalid');
    if (c.scopes && !c.scopes.includes('openid')) throw new ClientError('scope: openid must be among the allowed scopes', 'invalid');

    const secret = c.authMethod === 'none' || secretHash ? undefined : generateClientSecret();
    const storedSecret = c.authMethod === 'none' ? undefined : (secretHash ?? hashClientSecret(secret!));
    const metadata: ClientMetadata = {
      client_id: clientId,
      client_name: c.name,
      redirect_uris: [...new Set(c.redirectUris)],
      post_logout_redirect_uris: [...new Set(c.postLogoutRedirectUris)],
      response_types: responseTypes,
      grant_types: grantTypes,
      token_endpoint_auth_method: c.authMethod,
      ...(storedSecret ? { client_secret: storedSecret } : {}),
      ...(c.scopes ? { scope: [...new Set(c.scopes)].join(' ') } : {}),
      ...(c.logoUri ? { logo_uri: c.logoUri } : {}),
      ...(c.clientUri ? { client_uri: c.clientUri } : {}),
      ...(c.policyUri ? { policy_uri: c.policyUri } : {}),
      ...(c.tosUri ? { tos_uri: c.tosUri } : {}),
      ...(c.firstParty ? { first_party: true } : {}),
      ...(c.alwaysSelectAccount ? { always_select_account: true } : {}),
      ...(c.accessTokenTtl ? { access_token_ttl: c.accessTokenTtl } : {}),
      ...(c.idTokenTtl ? { id_token_ttl: c.idTokenTtl } : {}),
      ...(c.idTokenSignedResponseAlg ? { id_token_signed_response_alg: c.idTokenSignedResponseAlg } : {}),
    };
    return { metadata, secret };
  }

  /** A client's own ID token algorithm needs a signing key for it in service (a configured JWKS may lack one). */
  async #requireSigningAlg(alg: string | undefined): Promise<void> {
    if (!alg) return;
    const problem = signingAlgProblem(alg, await this.policy.signingAlgs());
    if (problem) throw new ClientError(`id-token-signed-response-alg: ${problem}`, 'invalid');
  }

  /** Without a list of its own, a new client gets the default scopes (when any are marked default). */
  async #withDefaultScopes(input: NewClient): Promise<{ input: NewClient; known: readonly string[] }> {
    const { known, defaults } = await this.policy.scopes();
    const scopes = input.scopes ?? (defaults.length ? ['openid', ...defaults.filter((s) => s !== 'openid')] : undefined);
    return { input: { ...input, scopes }, known };
  }

  async create(input: NewClient): Promise<CreatedClient> {
    const clientId = newClientId();
    const withScopes = await this.#withDefaultScopes(input);
    const { metadata, secret } = this.metadataFor(withScopes.input, clientId, withScopes.known);
    await this.#requireSigningAlg(metadata.id_token_signed_response_alg);
    const now = new Date().toISOString();
    const record: ClientRecord = { metadata, createdAt: now, updatedAt: now, ...(input.description ? { description: input.description.trim() } : {}) };
    if (!(await this.records.insert(clientId, record))) {
      throw new Error(`client ${clientId}: generated id already taken`); // 128 random bits: never in practice
    }
    return secret ? { client_id: clientId, client_secret: secret } : { client_id: clientId };
  }

  /** Applies a change as a whole: the result must pass every rule a new client must. A new secret only when becoming confidential. */
  async update(clientId: string, change: ClientChange): Promise<{ record: ClientRecord; client_secret?: string }> {
    let secret: string | undefined;
    const { known } = await this.policy.scopes();
    await this.#requireSigningAlg(change.idTokenSignedResponseAlg);
    const record = await this.#change(clientId, (current) => {
      const stored = asNewClient(current);
      const merged = { ...stored, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) };
      if (current.registered && merged.firstParty) throw new ClientError(FIRST_PARTY_REFUSED, 'invalid');
      if (change.responseTypes && !change.grantTypes) {
        // New response types bring their own grant types; a refresh_token grant stays where code remains.
        const keepRefresh = stored.grantTypes?.includes('refresh_token') && change.responseTypes.includes('code');
        merged.grantTypes = [...grantTypesFor(change.responseTypes), ...(keepRefresh ? ['refresh_token'] : [])];
      }
      const built = this.metadataFor(merged, clientId, known, current.metadata.client_secret as string | undefined);
      secret = built.secret;
      const description = merged.description?.trim();
      const { description: _old, ...rest } = current;
      return { ...rest, metadata: built.metadata, ...(description ? { description } : {}) };
    });
    return secret ? { record, client_secret: secret } : { record };
  }

  /**
   * Stores a client that registered itself (RFC 7591) or updated its registration (RFC 7592), validated by the
   * rules every client passes. `secretHash` is the hash of the secret oidc-provider issued, if any.
   */
  async putRegistered(clientId: string, input: NewClient, registered: Record<string, unknown>, secretHash: string | undefined): Promise<ClientRecord> {
    if (input.firstParty) throw new ClientError(FIRST_PARTY_REFUSED, 'invalid');
    await this.#requireSigningAlg(input.idTokenSignedResponseAlg);
    const existing = await this.find(clientId);
    if (existing && !existing.registered) throw new ClientError(`client ${clientId}: registered by an administrator, not open to registration management`, 'invalid');
    const withScopes = existing ? { input, known: (await this.policy.scopes()).known } : await this.#withDefaultScopes(input);
    const { metadata } = this.metadataFor(withScopes.input, clientId, withScopes.known, secretHash);
    if (!existing) {
      const now = new Date().toISOString();
      const record: ClientRecord = { metadata, registered, createdAt: now, updatedAt: now };
      if (!(await this.records.insert(clientId, record))) throw new ClientError(`client ${clientId}: already registered`, 'exists');
      return record;
    }
    return this.#change(clientId, (current) => {
      if (!current.registered) throw new ClientError(`client ${clientId}: registered by an administrator, not open to registration management`, 'invalid');
      return { ...current, metadata, registered };
    });
  }

  /** Disabling ends every token of the client for good: enabling again brings none of them back. */
  async setDisabled(clientId: string, disabled: boolean): Promise<ClientRecord> {
    if (!disabled) return this.#change(clientId, (current) => ({ ...current, disabled }));
    const credentialsChangedAt = new Date().toISOString();
    const record = await this.#change(clientId, (current) => ({ ...current, disabled, credentialsChangedAt }));
    await fencePassed(credentialsChangedAt);
    return record;
  }

  /** A new secret for a confidential client, shown once; the old one and every token issued before stop working at once. */
  async rotateSecret(clientId: string): Promise<{ client_id: string; client_secret: string }> {
    const secret = generateClientSecret();
    const credentialsChangedAt = new Date().toISOString();
    await this.#change(clientId, (current) => {
      if (current.metadata.token_endpoint_auth_method === 'none') {
        throw new ClientError(`client ${clientId}: a public client (auth-method none) has no secret to rotate`, 'invalid');
      }
      return { ...current, metadata: { ...current.metadata, client_secret: hashClientSecret(secret) }, credentialsChangedAt };
    });
    await fencePassed(credentialsChangedAt);
    return { client_id: clientId, client_secret: secret };
  }

  async list(): Promise<ClientRecord[]> {
    return (await this.records.list()).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async find(clientId: string): Promise<ClientRecord | undefined> {
    return this.records.get(clientId);
  }

  async require(clientId: string): Promise<ClientRecord> {
    const record = await this.find(clientId);
    if (!record) throw new ClientError(`client ${clientId}: not found`, 'not_found');
    return record;
  }

  async delete(clientId: string): Promise<ClientRecord> {
    const removed = await this.records.remove(clientId);
    // Its tokens go with it: oidc-provider refuses a token whose client it cannot find.
    if (!removed) throw new ClientError(`client ${clientId}: not found`, 'not_found');
    return removed;
  }

  #change(clientId: string, change: (current: ClientRecord) => ClientRecord): Promise<ClientRecord> {
    const stamped = (current: ClientRecord) => ({ ...change(current), updatedAt: new Date().toISOString() });
    return updateRecord(this.records, clientId, stamped, () => new ClientError(`client ${clientId}: not found`, 'not_found'));
  }
}

/** Hides the stored secret hash from what is shown. */
export function publicMetadata(metadata: ClientMetadata): ClientMetadata {
  const { client_secret: _hash, ...rest } = metadata;
  return rest;
}

/** A client as administrators see it (command line and API): metadata without the secret, plus our fields. */
export const clientView = (record: ClientRecord) => ({
  ...publicMetadata(record.metadata),
  ...(record.description ? { description: record.description } : {}),
  disabled: record.disabled === true,
  ...(record.registered ? { dynamically_registered: true } : {}),
  created_at: record.createdAt,
});
