/**
 * Single logout's back-channel, put together: which clients asked to be told (the registry and the configuration
 * files), the logout token signed with the keys in service, the delivery queue, and each result in the audit trail
 * (and, through `observe`, the metrics).
 */
import type { ClientMetadata } from 'oidc-provider';
import type { AuditLog } from '../audit/audit.js';
import type { ClientConfig } from '../config/client-schema.js';
import type { PrivateJwks } from '../config/key-files.js';
import type { ClientRegistry } from '../clients/registry.js';
import { BackchannelDelivery, DEFAULT_DELIVERY_LIMITS, type BackchannelTarget, type DeliveryLimits, type DeliveryOutcome, type LogoutNotice } from './backchannel-delivery.js';
import { signLogoutToken } from './logout-token.js';

export interface LogoutsDeps {
  issuer: string;
  /** The ID token algorithm of clients that name none. */
  defaultAlg: string;
  /** Clients declared in the configuration files (not in the registry). */
  staticClients: readonly ClientConfig[];
  clients: Pick<ClientRegistry, 'find'>;
  /** The private signing keys in service now. */
  keys: () => Promise<PrivateJwks>;
  audit: Pick<AuditLog, 'record'>;
  limits?: DeliveryLimits;
}

/** A client's back-channel registration from its metadata, or undefined when it has none. */
export function backchannelTarget(metadata: ClientMetadata | ClientConfig, defaultAlg: string): BackchannelTarget | undefined {
  const uri = metadata.backchannel_logout_uri;
  if (typeof uri !== 'string' || uri === '') return undefined;
  const alg = typeof metadata.id_token_signed_response_alg === 'string' ? metadata.id_token_signed_response_alg : defaultAlg;
  return { uri, sessionRequired: metadata.backchannel_logout_session_required !== false, alg };
}

export class Logouts {
  readonly delivery: BackchannelDelivery;
  /** Set by the server: each result counted in its metrics. */
  observe: ((outcome: DeliveryOutcome) => void) | undefined;

  constructor(private readonly deps: LogoutsDeps) {
    const staticById = new Map(deps.staticClients.map((c) => [c.client_id, c]));
    this.delivery = new BackchannelDelivery(
      {
        target: async (clientId) => {
          const configured = staticById.get(clientId);
          if (configured) return backchannelTarget(configured, deps.defaultAlg);
          const record = await deps.clients.find(clientId);
          return record && !record.disabled ? backchannelTarget(record.metadata, deps.defaultAlg) : undefined;
        },
        sign: async (notice, target) =>
          signLogoutToken({ issuer: deps.issuer, clientId: notice.clientId, sub: notice.accountId, ...(target.sessionRequired ? { sid: notice.sid } : {}) }, await deps.keys(), target.alg),
        onResult: (notice, outcome, attempts, detail) => this.#report(notice, outcome, attempts, detail),
      },
      deps.limits ?? DEFAULT_DELIVERY_LIMITS,
    );
  }

  /** Tells each client (that registered for it) that the session it signed into has ended; returns at once. */
  notify(notices: readonly LogoutNotice[]): void {
    if (notices.length) this.delivery.enqueue(...notices);
  }

  #report(notice: LogoutNotice, outcome: DeliveryOutcome, attempts: number, detail?: string): void {
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    const said = outcome === 'delivered' ? `back-channel logout delivered (${notice.reason}, ${tries})` : `back-channel logout ${outcome} (${notice.reason}, ${tries}${detail ? `: ${detail}` : ''})`;
    this.deps.audit.record({ type: 'logout', outcome: outcome === 'delivered' ? 'success' : 'failure', user: notice.accountId, client: notice.clientId, action: said });
    this.observe?.(outcome);
  }
}
