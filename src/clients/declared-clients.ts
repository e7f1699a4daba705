/**
 * The clients config files declare (config/clients.json, and config/demo.json's when the demo is on): listed beside
 * the registry's wherever administrators look, marked with their source, and read-only there (the file is their home).
 */
import type { ClientMetadata } from 'oidc-provider';
import type { ClientConfig } from '../config/client-schema.js';
import { AppError } from '../errors.js';
import { grantTypesFor } from './client-input.js';
import { publicMetadata } from './client-view.js';

export type ClientSource = 'config' | 'demo';

export interface DeclaredClient {
  metadata: ClientMetadata;
  source: ClientSource;
  /** The file that declares it, as settings name it. */
  file: string;
}

/** A refused change to a declared client: nothing is changed. */
export class ReadOnlyClientError extends AppError {
  override name = 'ReadOnlyClientError';
  constructor(client: DeclaredClient) {
    super('conflict', `client ${client.metadata.client_id}: declared in ${client.file}, read-only here (change it in that file and restart)`);
  }
}

export class DeclaredClients {
  readonly #byId: Map<string, DeclaredClient>;

  constructor(clients: readonly DeclaredClient[] = []) {
    this.#byId = new Map(clients.map((client) => [String(client.metadata.client_id), client]));
  }

  /** From the settings' config-file and demo clients. */
  static of(settings: { clients: readonly ClientConfig[]; demo?: { clients: readonly ClientConfig[] } | undefined; sources: { clients: string; demo: string } }): DeclaredClients {
    const declared = (clients: readonly ClientConfig[], source: ClientSource, file: string) => clients.map((client) => ({ metadata: { ...client, grant_types: client.grant_types ?? grantTypesFor(client.response_types) } as ClientMetadata, source, file }));
    return new DeclaredClients([...declared(settings.clients, 'config', settings.sources.clients), ...declared(settings.demo?.clients ?? [], 'demo', settings.sources.demo)]);
  }

  list(): DeclaredClient[] {
    return [...this.#byId.values()];
  }

  find(clientId: string): DeclaredClient | undefined {
    return this.#byId.get(clientId);
  }

  /** Throws when the client is declared in a file: the command line, the admin API and the console change none. */
  refuseChange(clientId: string): void {
    const declared = this.find(clientId);
    if (declared) throw new ReadOnlyClientError(declared);
  }
}

/** A declared client as administrators see it: its metadata (no secret), its source, and that it is read-only. */
export const declaredClientView = ({ metadata, source, file }: DeclaredClient) => ({ ...publicMetadata(metadata), disabled: false, source, file, read_only: true });
