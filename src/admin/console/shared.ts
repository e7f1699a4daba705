/** What every console page shares: the per-request console state, page rendering, audited changes and the 404 for a missing record. */
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { UserRecord } from '../../accounts/users.js';
import { audited, type AdminAction } from '../../audit/audited.js';
import type { AuditLog } from '../../audit/audit.js';
import { AppError } from '../../errors.js';
import type { Csrf } from '../../pages/csrf.js';
import type { Locale } from '../../pages/i18n.js';
import { languageLinks } from '../../pages/page-locale.js';
import type { PageName, Views } from '../../pages/views.js';

export interface ConsoleSession {
  sub: string;
  /** Random per sign-in: what the CSRF tokens are bound to. */
  sid: string;
  /** The provider session it was made from: its id (it changes when that session signs in again) and its uid. */
  provider: { id: string; uid: string };
  /** When the console session ends (Unix seconds). */
  exp: number;
}

/** Set by the requireAdmin guard (session.ts) before any page handler runs. */
export interface ConsoleState {
  user: UserRecord;
  session: ConsoleSession;
  locale: Locale;
}

type Locals = Record<string, unknown> & { title: string };

export interface ConsolePages {
  /** A page in the given locale, with the signed-in administrator and a CSRF token for its forms when there is one. */
  render(ctx: Context, page: PageName, locale: Locale, locals: Locals, status?: number): void;
  /** A page of a console section (the navigation marks it) in the administrator's locale. */
  page(ctx: Context, name: PageName, section: string, locals: Locals, status?: number): void;
}

/** What each resource's routes are mounted with: the one router (so routes keep their order), its guard and the pages. */
export interface ConsoleMount extends ConsolePages {
  router: Router;
  requireAdmin: Middleware;
}

export const consoleOf = (ctx: Context) => ctx.state.console as ConsoleState;
/** The posted form, read by requireAdmin once the CSRF token in it is checked. */
export const form = (ctx: Context) => ctx.state.form as URLSearchParams;
export const t = (ctx: Context) => consoleOf(ctx).locale.t;
/** The CSRF tokens of a console session are bound to its random sid. */
export const csrfSubject = (session: ConsoleSession) => `console:${session.sid}`;

export function consolePages(views: Views, csrf: Csrf): ConsolePages {
  function render(ctx: Context, page: PageName, locale: Locale, locals: Locals, status = 200) {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    const state = ctx.state.console as ConsoleState | undefined;
    ctx.body = views.render(
      page,
      locale,
      { wide: true, errors: {}, admin: state?.user.username, csrf: state && csrf.tokenFor(csrfSubject(state.session)), ...locals },
      ctx.method === 'GET' ? languageLinks(views, ctx.path, locale.lang) : [],
    );
  }
  const page = (ctx: Context, name: PageName, section: string, locals: Locals, status = 200) =>
    render(ctx, name, consoleOf(ctx).locale, { section, ...locals }, status);
  return { render, page };
}

/** A change made from the console: run through `audited`, with the signed-in administrator as the actor. */
export const consoleChange =
  (audit: AuditLog) =>
  <T>(ctx: Context, action: string, about: AdminAction['about'], run: () => Promise<T>, subject?: string, createdId?: (r: T) => string | undefined) =>
    audited(audit, { actor: `console:${consoleOf(ctx).user.username}`, action, about, subject }, run, createdId);

/** A record that is not there (a stale link or button): the error page with 404 and the store's message. */
export const notFound = (err: unknown): never => {
  if (err instanceof AppError && err.code === 'not_found') throw Object.assign(new Error(err.message), { status: 404, expose: true });
  throw err;
};
