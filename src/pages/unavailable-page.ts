/** The one page for a store that is away: 503, Retry-After, never cached. The pages and error handlers all answer with it. */
import type { Context } from 'koa';
import { RETRY_AFTER_SECONDS } from '../storage/unavailable.js';
import type { Locale } from './i18n.js';
import type { Views } from './views.js';

export function renderUnavailable(ctx: Pick<Context, 'status' | 'body' | 'set' | 'type'>, views: Views, locale: Locale): void {
  ctx.status = 503;
  ctx.type = 'html';
  ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
  ctx.set('Cache-Control', 'no-store');
  ctx.body = views.render('error', locale, { title: locale.t('error.unavailable.title'), message: locale.t('error.unavailable.message'), code: 'temporarily_unavailable' });
}
