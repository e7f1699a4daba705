/**
 * Clients created at run time (command line, later the admin API), stored in Redis and read by
 * oidc-provider through the Client adapter. Declarative clients from config/ are static and not here.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ClientMetadata } from 'oidc-provider';
import { RESPONSE_TYPES } from '../settings.js';
import type { Collection } from '../storage/collection.js';
import { redirectUriProblem } from './redirect-uri-policy.js';
import { generateClientSecret, hashClientSecret } from './secrets.js';

export interface ClientRecord {
  metadata: ClientMetadata;
  createdAt: string;
}

export class ClientError extends Error {
  override name = 'ClientError';
  constructor(
    message: string,
    readonly code: 'invalid' | 'not_found',
  ) {
    super(message);
  }
}

export const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;

const optionalUrl = (field: string) =>
  z
    .string()
    .refine((v) => /^https?:$/.test(URL.parse(v)?.protocol ?? ''), `${field}: must be an absolute http(s) URL`)
    .optional();

const newClientSchema = z.object({
  name: z.string().trim().min(1, 'name: required').max(200, 'name: at most 200 characters'),
  redirectUris: z.array(z.string()).min(1, 'redirect-uri: at least one'),
  postLogoutRedirectUris: z.array(z.string()).default([]),
  responseTypes: z
    .array(z.enum(RESPONSE_TYPES, { error: `response-type: one of ${RESPONSE_TYPES.map((t) => `"${t}"`).join(', ')}` }))
    .min(1, 'response-type: at least one'),
  authMethod: z.enum(AUTH_METHODS, { error: `auth-method: one of ${AUTH_METHODS.join(', ')}` }).default('none'),
  logoUri: optionalUrl('logo-uri'),
  clientUri: optionalUrl('client-uri'),
  policyUri: optionalUrl('policy-uri'),
  tosUri: optionalUrl('tos-uri'),
  firstParty: z.boolean().default(false),
  alwaysSelectAccount: z.boolean().default(false),
});
/** What an administrator asks for, unchecked: metadataFor() validates every field. */
export interface NewClient {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  responseTypes: string[];
  authMethod?: string;
  logoUri?: string;
  clientUri?: string;
  policyUri?: string;
  tosUri?: string;
  /** The deployment's own application: no consent page. */
  firstParty?: boolean;
  /** Show the account chooser on every sign-in. */
  alwaysSelectAccount?: boolean;
}

export function grantTypesFor(responseTypes: readonly string[]): string[] {
  const grants = new Set<string>();
  for (const type of responseTypes) grants.add(type === 'code' ? 'authorization_code' : 'implicit');
  return [...grants];
}

export interface CreatedClient {
  client_id: string;
  /** Shown once: only its hash is stored. */
  client_secret?: string;
}

export class ClientRegistry {
  constructor(
    private readonly records: Collection<ClientRecord>,
    private readonly policy: { production: boolean },
  ) {}

  /** Validates into oidc-provider metadata; throws ClientError naming the field and the rule. */
  metadataFor(input: NewClient, clientId: string): { metadata: ClientMetadata; secret?: string } {
    const parsed = newClientSchema.safeParse(input);
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
    const secret = c.authMethod === 'none' ? undefined : generateClientSecret();
    const responseTypes = [...new Set(c.responseTypes)];
    const metadata: ClientMetadata = {
      client_id: clientId,
      client_name: c.name,
      redirect_uris: [...new Set(c.redirectUris)],
      post_logout_redirect_uris: [...new Set(c.postLogoutRedirectUris)],
      response_types: responseTypes,
      grant_types: grantTypesFor(responseTypes),
      token_endpoint_auth_method: c.authMethod,
      ...(secret ? { client_secret: hashClientSecret(secret) } : {}),
      ...(c.logoUri ? { logo_uri: c.logoUri } : {}),
      ...(c.clientUri ? { client_uri: c.clientUri } : {}),
      ...(c.policyUri ? { policy_uri: c.policyUri } : {}),
      ...(c.tosUri ? { tos_uri: c.tosUri } : {}),
      ...(c.firstParty ? { first_party: true } : {}),
      ...(c.alwaysSelectAccount ? { always_select_account: true } : {}),
    };
    return { metadata, secret };
  }

  async create(input: NewClient): Promise<CreatedClient> {
    const clientId = randomBytes(16).toString('base64url');
    const { metadata, secret } = this.metadataFor(input, clientId);
    if (!(await this.records.insert(clientId, { metadata, createdAt: new Date().toISOString() }))) {
      throw new Error(`client ${clientId}: generated id already taken`); // 128 random bits: never in practice
    }
    return secret ? { client_id: clientId, client_secret: secret } : { client_id: clientId };
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
    if (!removed) throw new ClientError(`client ${clientId}: not found`, 'not_found');
    return removed;
  }
}

/** Hides the stored secret hash from what is shown. */
export function publicMetadata(metadata: ClientMetadata): ClientMetadata {
  const { client_secret: _hash, ...rest } = metadata;
  return rest;
}
