/**
 * Clients created at run time (command line, later the admin API), stored in Redis and read by
 * oidc-provider through the Client adapter. Declarative clients from config/ are static and not here.
 */
import type { ClientMetadata } from 'oidc-provider';
import { fencePassed } from '../accounts/credential-fence.js';
import { signingAlgProblem } from '../keys/signing-algs.js';
import { updateRecord, type Collection } from '../storage/collection.js';
import { newClientId } from './client-id.js';
import { asNewClient, grantTypesFor, type ClientChange, type NewClient } from './client-input.js';
import { clientMetadata } from './client-metadata.js';
import { ClientError, type ClientRecord } from './client-record.js';
import { DeclaredClients } from './declared-clients.js';
import { generateClientSecret, hashClientSecret } from './secrets.js';


const FIRST_PARTY_REFUSED = 'first-party: never for a client that registered itself (it always asks for consent)';

export interface CreatedClient {
  client_id: string;
  /** Shown once: only its hash is stored. */
  client_secret?: string;
}

const NONE_DECLARED = new DeclaredClients();

export class ClientRegistry {
  constructor(
    private readonly records: Collection<ClientRecord>,
    private readonly policy: {
      production: boolean;
      /** The scopes in force now: which a client may be allowed, and which new clients get by default. */
      scopes: () => Promise<{ known: readonly string[]; defaults: readonly string[] }>;
      /** The ID token algorithms the signing keys in service sign (keys/signing-algs.ts). */
      signingAlgs: () => Promise<readonly string[]>;
      /** The clients config files declare: listed beside these, never changed here. */
      declared?: DeclaredClients;
    },
  ) {}

  /** The clients config files declare (read-only: a change to one is refused with ReadOnlyClientError). */
  get declared(): DeclaredClients {
    return this.policy.declared ?? NONE_DECLARED;
  }

  /** The validation of client-metadata.ts under this registry's policy; the backup import checks by it too. */
  metadataFor(input: NewClient, clientId: string, knownScopes: readonly string[], secretHash?: string): { metadata: ClientMetadata; secret?: string } {
    return clientMetadata(input, clientId, knownScopes, this.policy, secretHash);
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
    this.declared.refuseChange(clientId);
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
    this.declared.refuseChange(clientId);
    if (!disabled) return this.#change(clientId, (current) => ({ ...current, disabled }));
    const credentialsChangedAt = new Date().toISOString();
    const record = await this.#change(clientId, (current) => ({ ...current, disabled, credentialsChangedAt }));
    await fencePassed(credentialsChangedAt);
    return record;
  }

  /** A new secret for a confidential client, shown once; the old one and every token issued before stop working at once. */
  async rotateSecret(clientId: string): Promise<{ client_id: string; client_secret: string }> {
    this.declared.refuseChange(clientId);
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
    this.declared.refuseChange(clientId);
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
