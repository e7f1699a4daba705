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

/** An outage that escaped a handler, answered with our 503 (provider.ts calls it for every error that escapes); any other error is passed on. */
export function recoverFromOutage(pages: Pages) {
  return async (ctx: KoaContextWithOIDC, err: unknown): Promise<boolean> => {
    if (!isStorageUnavailable(err)) return false;
    await pages.error(ctx, UNAVAILABLE, err as Error);
    return true;
  };
}

export function answerOutagesWith503(provider: Provider): void {
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
