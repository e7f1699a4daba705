/**
 * A user's consents: the grants oidc-provider keeps for each client the user allowed. An administrator lists them
 * and revokes one: the grant and every token of it are gone, and the client's next authorization asks for consent
 * again (or gets consent_required under prompt=none). Each revocation is a `consent.revoked` audit event.
 */
import type { AuditLog } from '../audit/audit.js';
import { RecordError } from '../storage/collection.js';

export interface Consent {
  grantId: string;
  clientId: string;
  /** The scopes granted, space-separated. */
  scope: string;
  claims: string[];
  createdAt?: string;
  expiresAt?: string;
}

/** Where grants live: oidc-provider's Redis records. */
export interface ConsentStore {
  list(accountId: string): Promise<Consent[]>;
  /** Removes the account's grants for the client and their tokens; returns what it removed. */
  revoke(accountId: string, clientId: string): Promise<Consent[]>;
}

export class ConsentError extends RecordError {
  override name = 'ConsentError';
}

export class Consents {
  constructor(
    private readonly store: ConsentStore | undefined,
    private readonly audit: AuditLog,
  ) {}

  async list(accountId: string): Promise<Consent[]> {
    return this.#store().list(accountId);
  }

  async revoke(accountId: string, clientId: string, actor: string): Promise<Consent[]> {
    const revoked = await this.#store().revoke(accountId, clientId);
    if (!revoked.length) throw new ConsentError(`consent for client ${clientId}: not found (the user has not allowed it, or it expired)`, 'not_found');
    this.audit.record({ type: 'consent.revoked', outcome: 'success', actor, user: accountId, client: clientId, action: `revoked by ${actor}` });
    return revoked;
  }

  #store(): ConsentStore {
    // oidc-provider's in-memory adapter keeps grants where nothing outside it can list them.
    if (!this.store) throw new ConsentError('consents are listed and revoked on Redis only (the in-memory store keeps them inside oidc-provider)', 'invalid');
    return this.store;
  }
}
