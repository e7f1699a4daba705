/** The provider-wide implicit switch as discovery shows it: with implicit off, only code is advertised. */
import type { KoaContextWithOIDC } from 'oidc-provider';

export const isImplicit = (responseType: string) => responseType.split(' ').some((part) => part === 'id_token' || part === 'token');

/** The answer of the discovery route (provider.ts runs it after that route only). */
export function discoveryFollowsImplicitSwitch(implicitEnabled: () => boolean): (ctx: KoaContextWithOIDC) => void {
  return (ctx) => {
    if (implicitEnabled() || typeof ctx.body !== 'object' || ctx.body === null) return;
    const body = ctx.body as Record<string, unknown>;
    const keep = (list: unknown, drop: (v: string) => boolean) => (Array.isArray(list) ? list.filter((v) => typeof v === 'string' && !drop(v)) : list);
    ctx.body = {
      ...body,
      response_types_supported: keep(body.response_types_supported, isImplicit),
      grant_types_supported: keep(body.grant_types_supported, (g) => g === 'implicit'),
      response_modes_supported: keep(body.response_modes_supported, (m) => m === 'fragment'),
    };
  };
}
