/**
 * Redis away while oidc-provider serves one of its own endpoints: a 503 with Retry-After, never a 500. Its
 * browser pages already go through our error page (503 there); this covers its JSON answers (userinfo, token,
 * revocation: `temporarily_unavailable`) and the errors that escape its handlers (end_session), so clients and
 * load balancers see a passing outage rather than a bug.
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { isStorageUnavailable, RETRY_AFTER_SECONDS } from '../storage/unavailable.js';
import type { Pages } from './configuration.js';

const UNAVAILABLE = { error: 'temporarily_unavailable', error_description: 'the service is temporarily unavailable; try again shortly' };

export function answerOutagesWith503(provider: Provider, pages: Pages): void {
  provider.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!isStorageUnavailable(err)) throw err;
      await pages.error(ctx as KoaContextWithOIDC, UNAVAILABLE, err as Error);
    }
  });
  // oidc-provider's error handler has set its JSON server_error body when it announces the error: replace it.
  provider.on('server_error', (ctx: KoaContextWithOIDC, err: unknown) => {
    const body = ctx.body as unknown;
    if (!isStorageUnavailable(err) || typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return;
    ctx.status = 503;
    ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = UNAVAILABLE;
  });
}
