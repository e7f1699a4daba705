/** oidc-provider's own pages (errors, logout confirmation, signed out) in our look. */
import type { Pages } from '../provider/configuration.js';
import { isStorageUnavailable } from '../storage/unavailable.js';
import type { Views } from './views.js';

export const RETRY_AFTER_SECONDS = 5;

export function providerPages(views: Views): Pages {
  const { t } = views;
  return {
    async error(ctx, out, error) {
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      if (isStorageUnavailable(error)) {
        ctx.status = 503;
        ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
        ctx.body = views.render('error', { title: t('error.unavailable.title'), message: t('error.unavailable.message'), code: 'temporarily_unavailable' });
        return;
      }
      const code = typeof out.error === 'string' ? out.error : 'server_error';
      const description = typeof out.error_description === 'string' ? out.error_description : undefined;
      ctx.body = views.render('error', { title: t('error.title'), message: description ?? code, code });
    },
    async logout(ctx, form) {
      ctx.type = 'html';
      ctx.body = views.render('logout', { title: t('logout.title'), host: ctx.host, form });
    },
    async loggedOut(ctx) {
      ctx.type = 'html';
      ctx.body = views.render('logged-out', { title: t('loggedOut.title') });
    },
  };
}
