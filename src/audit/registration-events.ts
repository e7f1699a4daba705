/** Clients registering, updating or deleting themselves (RFC 7591/7592) into the audit trail, done or refused. */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AuditLog } from './audit.js';
import { REGISTRATION_ACTOR } from './audit-event.js';

export function auditRegistration(provider: Provider, audit: AuditLog): void {
  const record = (action: string, outcome: 'success' | 'failure') => (ctx: KoaContextWithOIDC) =>
    audit.record({ type: 'admin', outcome, actor: REGISTRATION_ACTOR, action, client: ctx.oidc?.entities.Client?.clientId, ip: ctx.ip });
  provider.on('registration_create.success', record('client register', 'success'));
  provider.on('registration_create.error', record('client register', 'failure'));
  provider.on('registration_update.success', record('client registration update', 'success'));
  provider.on('registration_update.error', record('client registration update', 'failure'));
  provider.on('registration_delete.success', record('client registration delete', 'success'));
  provider.on('registration_delete.error', record('client registration delete', 'failure'));
}
