/** oidc-provider's own pages (errors, logout confirmation, signed out) in our look and the user's language. */
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Pages } from '../provider/configuration.js';
import { TooManyRequests } from '../provider/limits.js';
import { logoutReturnDropped } from '../provider/unregistered-logout-return.js';
import { isStorageUnavailable } from '../storage/unavailable.js';
import { explainError } from './error-explanation.js';
import { requestLocale } from './page-locale.js';
import { renderUnavailable } from './unavailable-page.js';
import { waitText } from './wait-text.js';
import type { Views } from './views.js';


function localeOf(ctx: KoaContextWithOIDC, views: Views) {
  let uiLocales: unknown;
  try {
    uiLocales = ctx.oidc?.params?.ui_locales;
  } catch {
    uiLocales = undefined; // no OIDC context on this route
  }
  return requestLocale(ctx as never, views, uiLocales);
}

/** The request's parameters and client as oidc-provider read them, if it got that far. */
function requestOf(ctx: KoaContextWithOIDC): { params: Record<string, unknown>; redirectUris: readonly string[] | undefined } {
  try {
    return { params: (ctx.oidc?.params ?? ctx.query) as Record<string, unknown>, redirectUris: ctx.oidc?.client?.redirectUris };
  } catch {
    return { params: ctx.query as Record<string, unknown>, redirectUris: undefined };
  }
}

/** `explain`: name the unknown client or the unregistered redirect_uri on the page (development only). */
export function providerPages(views: Views, { explain = false }: { explain?: boolean } = {}): Pages {
  return {
    async error(ctx, out, error) {
      const locale = localeOf(ctx, views);
      const { t } = locale;
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      if (isStorageUnavailable(error)) {
        renderUnavailable(ctx, views, locale);
        return;
      }
      if (error instanceof TooManyRequests) {
        ctx.status = 429;
        ctx.set('Retry-After', String(error.retryAfter));
        ctx.body = views.render('error', locale, { title: t('error.busy.title'), message: t('error.busy.message', { wait: waitText(locale, error.retryAfter) }), code: out.error });
        return;
      }
      const request = explain ? requestOf(ctx) : undefined;
      ctx.body = views.render('error', locale, {
        title: t('error.title'),
        message: t('error.message'),
        code: out.error,
        details: out.error_description,
        explanation: request && explainError(out.error, request.params, request.redirectUris),
      });
    },
    async logout(ctx, form) {
      const locale = localeOf(ctx, views);
      ctx.type = 'html';
      // The client whose unregistered return address was dropped (provider/unregistered-logout-return.ts), by name.
      const unregisteredReturn = logoutReturnDropped(ctx) ? (ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId) : undefined;
      ctx.body = views.render('logout', locale, { title: locale.t('logout.title'), host: ctx.host, form, unregisteredReturn });
    },
    async frontchannelLogout(ctx, frames, next) {
      const locale = localeOf(ctx, views);
      ctx.status = 200;
      ctx.remove('Location');
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      // The page may frame exactly these applications' origins, nothing else.
      const origins = [...new Set(frames.map((f) => f.origin))];
      const policy = ctx.response.get('Content-Security-Policy') || "default-src 'none'";
      ctx.set('Content-Security-Policy', `${policy}; frame-src ${origins.join(' ')}`);
      ctx.body = views.render('frontchannel-logout', locale, { title: locale.t('loggedOut.title'), frames, next });
    },
    async loggedOut(ctx) {
      const locale = localeOf(ctx, views);
      ctx.type = 'html';
      ctx.body = views.render('logged-out', locale, { title: locale.t('loggedOut.title') });
    },
  };
}
