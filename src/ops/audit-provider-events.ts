/** Token issuance, as oidc-provider reports it, into the audit trail. */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AuditLog } from './audit.js';

export function auditTokenIssuance(provider: Provider, audit: AuditLog): void {
  const issued = (ctx: KoaContextWithOIDC, action: string) =>
    audit.record({
      type: 'token.issued',
      outcome: 'success',
      client: ctx.oidc.client?.clientId,
      user: ctx.oidc.session?.accountId ?? ctx.oidc.entities.Grant?.accountId,
      ip: ctx.ip,
      action,
    });
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => issued(ctx, `authorization ${String(ctx.oidc.params?.response_type ?? '')}`));
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => issued(ctx, `token ${String(ctx.oidc.params?.grant_type ?? '')}`));
}
