/** Token issuance and revoked grants, as oidc-provider reports them, into the audit trail. */
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

/**
 * oidc-provider destroys a grant on token revocation of a refresh token, when a rotated refresh token is reused, and
 * on logout for an authorization not marked to outlive it (a consent outlives its session: provider/configuration.ts):
 * the consent is gone, and the next sign-in asks for it again.
 */
export function auditGrantRevocation(provider: Provider, audit: AuditLog): void {
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC) =>
    audit.record({
      type: 'consent.revoked',
      outcome: 'success',
      client: ctx.oidc.client?.clientId,
      user: ctx.oidc.session?.accountId ?? ctx.oidc.entities.RefreshToken?.accountId ?? ctx.oidc.entities.AccessToken?.accountId,
      ip: ctx.ip,
      action: ctx.oidc.route.startsWith('end_session') ? 'logout' : ctx.oidc.route === 'revocation' ? 'token revocation' : ctx.oidc.route,
    }),
  );
}
