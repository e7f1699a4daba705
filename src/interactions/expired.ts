/** The page a browser gets when its interaction is gone or not its own (StartAgain): start again, status 400. */
import type { RouterMiddleware } from '@koa/router';
import { StartAgain } from './load.js';
import type { Renderer } from './render.js';

export function startAgainPage(render: Pick<Renderer, 'localeFor' | 'page'>): RouterMiddleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!(err instanceof StartAgain)) throw err;
      const locale = render.localeFor(ctx);
      render.page(ctx, 400, 'error', locale, {
        title: locale.t('error.expired.title'),
        message: locale.t('error.expired.message'),
        code: 'interaction_expired',
      });
    }
  };
}
