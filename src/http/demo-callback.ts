/**
 * GET /demo/callback: the demo clients' built-in redirect URI (development only). The page checks and shows the
 * answer in the browser (views/assets/demo-callback.js); this route only hands it what to check against.
 */
import type { Middleware } from 'koa';
import { DEMO_CALLBACK_PATH, DEMO_NONCE, DEMO_STATE, demoTryUrl } from '../config/demo-callback.js';
import type { ClientConfig } from '../config/client-schema.js';
import { requestLocale } from '../pages/page-locale.js';
import type { Views } from '../pages/views.js';

export function demoCallback(views: Views, issuer: string, clients: readonly ClientConfig[], authorizationPath: () => string): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== DEMO_CALLBACK_PATH || clients.length === 0 || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const locale = requestLocale(ctx, views);
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    // The page's script reads discovery, the JWKS and userinfo from this origin: the pages' policy allows it (connect-src 'self').
    ctx.body = views.render(
      'demo-callback',
      locale,
      {
        title: locale.t('demo.title'),
        wide: true,
        issuer,
        discovery: `${issuer}/.well-known/openid-configuration`,
        nonce: DEMO_NONCE,
        state: DEMO_STATE,
        clients: clients.map((c) => c.client_id),
        tryUrl: demoTryUrl(issuer, clients[0]!, authorizationPath()),
      },
      // No language switch: reloading the page would lose the answer, which the script took out of the address.
    );
  };
}
