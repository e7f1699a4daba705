/** A run-time client as stored: oidc-provider metadata plus what administrators keep beside it, and its error. */
import type { ClientMetadata } from 'oidc-provider';
import { RecordError } from '../storage/collection.js';

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
