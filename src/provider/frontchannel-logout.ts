/**
 * OpenID Connect Front-Channel Logout 1.0, on oidc-provider's end-session confirmation: once a sign-out has ended the
 * session, the clients it signed into that registered a frontchannel_logout_uri are each loaded in an invisible iframe
 * (with iss and sid when they require them) by our page, which then continues where oidc-provider was sending the
 * browser (the post_logout_redirect_uri, or our signed-out page). oidc-provider no longer ships this feature.
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** One iframe of the page: the client's URI with its parameters, and its origin (for the page's frame-src). */
export interface FrontchannelFrame {
  clientId: string;
  src: string;
  origin: string;
}

/** The URI a client's iframe loads: iss and sid added when it requires them (Front-Channel Logout 1.0, 2 and 3). */
export function frameSrc(uri: string, sessionRequired: boolean, issuer: string, sid: string | undefined): string {
  const url = new URL(uri);
  if (sessionRequired && sid) {
    url.searchParams.set('iss', issuer);
    url.searchParams.set('sid', sid);
  }
  return url.href;
}

type SessionLike = { destroyed?: boolean; authorizations?: Record<string, { sid?: string }> };

export function frontchannelLogout(
  provider: Provider,
  page: (ctx: KoaContextWithOIDC, frames: FrontchannelFrame[], next: string) => Promise<void>,
): (ctx: KoaContextWithOIDC) => Promise<void> {
  // The answer of the end-session confirmation (provider.ts runs it after that route only).
  return async (ctx) => {
    const oidc = ctx.oidc;
    const session = oidc?.session as SessionLike | undefined;
    const location = ctx.response.get('Location');
    // Only a sign-out that ended the whole session (not one client's part of it) and is sending the browser on.
    if (ctx.status !== 303 || !location || !session?.destroyed) return;
    const frames: FrontchannelFrame[] = [];
    for (const [clientId, authorization] of Object.entries(session.authorizations ?? {})) {
      const client = (await provider.Client.find(clientId).catch(() => undefined)) as (Record<string, unknown> & object) | undefined;
      const uri = client?.['frontchannel_logout_uri'];
      if (typeof uri !== 'string' || uri === '') continue;
      const src = frameSrc(uri, client!['frontchannel_logout_session_required'] !== false, provider.issuer, authorization?.sid);
      frames.push({ clientId, src, origin: new URL(src).origin });
    }
    if (frames.length === 0) return;
    await page(ctx, frames, location);
  };
}
