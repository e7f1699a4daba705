/**
 * The last word on errors from our own routes: a page with the right status, never a stack trace.
 * Expected refusals (4xx) render their message; the store being away is a 503 with Retry-After; anything
 * else is logged and shown as a plain 500.
 */
import { AppError, httpStatusOf } from '../errors.js';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { requestLocale } from '../pages/page-locale.js';
import { renderUnavailable } from '../pages/unavailable-page.js';
import type { Views } from '../pages/views.js';
import { isStorageUnavailable } from '../storage/unavailable.js';

interface PageError {
  status?: number;
  expose?: boolean;
  /** Locale keys of the page's title and message. */
  page?: { title: string; message: string };
}

export function errorPages(views: Views, logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.respond !== false) {
        const locale = requestLocale(ctx, views);
        ctx.status = 404;
        ctx.type = 'html';
        ctx.body = views.render('error', locale, { title: locale.t('error.not_found.title'), message: locale.t('error.not_found.message') });
      }
    } catch (caught) {
      const err = caught as Error & PageError;
      const locale = requestLocale(ctx, views);
      const { t } = locale;
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      if (isStorageUnavailable(err)) {
        logger.warn({ err: err.message, reqId: ctx.state.requestId }, 'storage unavailable');
        renderUnavailable(ctx, views, locale);
        return;
      }
      const status = err instanceof AppError ? httpStatusOf(err) : err.expose && err.status ? err.status : 500;
      if (status >= 500) logger.error({ err, reqId: ctx.state.requestId }, 'request failed');
      ctx.status = status;
      const page = err.page ? { title: t(err.page.title), message: t(err.page.message) } : { title: t('error.title'), message: t('error.message') };
      ctx.body = views.render('error', locale, { ...page, code: status >= 500 ? 'server_error' : undefined, details: status < 500 ? err.message : undefined });
    }
  };
}
