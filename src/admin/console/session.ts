/**
 * Signing in to and out of the console, and the requireAdmin guard every page sits behind. Signing in goes through
 * the provider's own login page (sign-in.ts); every request checks that the provider session it was made from still
 * holds (provider-session.ts) and reads the role from the user store, so a signed-out, disabled or demoted
 * administrator is out at once.
 */
import { randomBytes } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { UserRecord } from '../../accounts/users.js';
import { readForm } from '../../http/body.js';
import type { Csrf } from '../../pages/csrf.js';
import { requestLocale } from '../../pages/page-locale.js';
import type { Views } from '../../pages/views.js';
import { epochSeconds } from '../../time.js';
import type { AdminServices } from '../services.js';
import { CONSOLE_PATH, SIGNED_OUT_PATH } from './console-client.js';
import type { ProviderSessions } from './provider-session.js';
import type { Seal } from './seal.js';
import { csrfSubject, type ConsoleMount, type ConsoleSession, type ConsoleState } from './shared.js';
import { localOrigin, type ConsoleSignIn, type SignInTransaction } from './sign-in.js';

export interface SessionDeps {
  issuer: string;
  /** Whether the account behind a session is still enabled and an administrator. */
  stores: Pick<AdminServices, 'users'>;
  views: Views;
  csrf: Csrf;
  seal: Seal;
  signIn: ConsoleSignIn;
  sessions: ProviderSessions;
}

const SESSION_COOKIE = 'op_console';
const TRANSACTION_COOKIE = 'op_console_tx';
/** A console session ends after this long, whatever happens; signing in again is silent while the provider's session lasts. */
export const CONSOLE_SESSION_SECONDS = 8 * 3600;
const TRANSACTION_SECONDS = 600;
/** Characters of a query string kept for the return after sign-in; a longer one is dropped. */
const RETURN_QUERY_MAX = 512;

/** Mounts the callback, sign-out and signed-out routes; returns the guard for every other page. */
export function sessionRoutes({ router, render }: Omit<ConsoleMount, 'requireAdmin' | 'page'>, deps: SessionDeps) {
  const { stores, views, csrf, seal, signIn } = deps;
  const cookie = (ctx: Context, path: string, maxAgeSeconds: number) => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.secure,
    path,
    maxAge: maxAgeSeconds * 1000,
    signed: false, // sealed (encrypted and authenticated) by seal.ts instead
  });

  async function startSignIn(ctx: Context) {
    // The query too (an audit filter, a search), when short: it rides in the sealed transaction cookie.
    const query = ctx.querystring && ctx.querystring.length <= RETURN_QUERY_MAX ? `?${ctx.querystring}` : '';
    const returnTo = ctx.method === 'GET' && ctx.path.startsWith(`${CONSOLE_PATH}/`) ? `${ctx.path}${query}` : `${CONSOLE_PATH}/clients`;
    const { transaction, url } = await signIn.start(returnTo);
    ctx.cookies.set(TRANSACTION_COOKIE, await seal.seal({ ...transaction }, TRANSACTION_SECONDS), cookie(ctx, `${CONSOLE_PATH}/callback`, TRANSACTION_SECONDS));
    ctx.set('Cache-Control', 'no-store');
    ctx.status = ctx.method === 'GET' ? 302 : 303;
    ctx.redirect(url);
  }

  /** A console session of any user (signing out needs no role). */
  async function session(ctx: Context): Promise<ConsoleSession | undefined> {
    const sealed = await seal.open(ctx.cookies.get(SESSION_COOKIE));
    const provider = sealed?.provider as Partial<ConsoleSession['provider']> | undefined;
    if (typeof sealed?.sub !== 'string' || typeof sealed.sid !== 'string' || typeof sealed.exp !== 'number') return undefined;
    if (typeof provider?.id !== 'string' || typeof provider.uid !== 'string') return undefined; // sealed before sessions were tied
    return { sub: sealed.sub, sid: sealed.sid, provider: { id: provider.id, uid: provider.uid }, exp: sealed.exp };
  }

  async function keep(ctx: Context, current: Omit<ConsoleSession, 'exp'>, lifetimeSeconds: number) {
    ctx.cookies.set(SESSION_COOKIE, await seal.seal({ ...current }, lifetimeSeconds), cookie(ctx, CONSOLE_PATH, lifetimeSeconds));
  }

  /**
   * The console session, while the provider session it was made from holds: signed in to the console, the same
   * account, not signed in before that account's last credential change, and the account enabled. One Redis read.
   */
  async function stillSignedIn(ctx: Context, current: ConsoleSession): Promise<UserRecord | undefined> {
    const provider = await deps.sessions.find(current.provider.id, current.provider.uid);
    if (!provider || provider.accountId !== current.sub) return undefined;
    const user = await stores.users.findActive(current.sub, provider.loginTs);
    if (user && provider.id !== current.provider.id) {
      const { exp, ...rest } = current;
      await keep(ctx, { ...rest, provider: { id: provider.id, uid: provider.uid } }, exp - epochSeconds());
    }
    return user;
  }

  /** Signed in, an enabled administrator now (read from the store on every request), and for a POST a valid CSRF token. */
  async function requireAdmin(ctx: Context, next: Next) {
    const current = await session(ctx);
    if (!current) return startSignIn(ctx);
    const user = await stillSignedIn(ctx, current);
    if (!user) {
      ctx.cookies.set(SESSION_COOKIE, null, cookie(ctx, CONSOLE_PATH, 0));
      return startSignIn(ctx);
    }
    const locale = requestLocale(ctx, views);
    if (user.role !== 'admin') {
      // The refusal page knows the session (for its sign-out button) and nothing else.
      ctx.state.console = { user: { username: '' }, session: current, locale };
      render(ctx, 'admin/refused', locale, { title: locale.t('admin.refused.title'), message: locale.t('admin.refused.message'), wide: false }, 403);
      return;
    }
    if (ctx.method === 'POST') {
      ctx.state.form = await readForm(ctx);
      if (!csrf.valid(csrfSubject(current), (ctx.state.form as URLSearchParams).get('csrf'))) {
        ctx.throw(403, 'csrf', { page: { title: 'error.title', message: 'error.csrf.message' } });
      }
    }
    ctx.state.console = { user, session: current, locale } satisfies ConsoleState;
    await next();
  }

  router.get('/callback', async (ctx) => {
    const transaction = (await seal.open(ctx.cookies.get(TRANSACTION_COOKIE))) as SignInTransaction | undefined;
    ctx.cookies.set(TRANSACTION_COOKIE, null, cookie(ctx, `${CONSOLE_PATH}/callback`, 0));
    if (!transaction) {
      // Expired, used already, or from another browser: start again rather than trust the query.
      ctx.redirect(`${CONSOLE_PATH}/clients`);
      return;
    }
    let finished: Awaited<ReturnType<ConsoleSignIn['finish']>>;
    try {
      finished = await signIn.finish(ctx.querystring, transaction, localOrigin(ctx.req.socket.localAddress ?? '127.0.0.1', ctx.req.socket.localPort ?? 0));
    } catch (err) {
      throw Object.assign(new Error(`console sign-in failed: ${(err as Error).message}`), { status: 400, expose: true });
    }
    const provider = await deps.sessions.ofAccessToken(finished.accessToken);
    if (!provider || provider.accountId !== finished.sub) {
      throw Object.assign(new Error('console sign-in failed: the provider session it came from has ended'), { status: 400, expose: true });
    }
    const sub = finished.sub;
    await keep(ctx, { sub, sid: randomBytes(16).toString('base64url'), provider: { id: provider.id, uid: provider.uid } }, CONSOLE_SESSION_SECONDS);
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(transaction.returnTo.startsWith(`${CONSOLE_PATH}/`) ? transaction.returnTo : `${CONSOLE_PATH}/clients`);
  });

  // Signing out ends the console session, then the provider's (its own confirmation page), and comes back here.
  router.post('/sign-out', async (ctx) => {
    const current = await session(ctx);
    const submitted = (await readForm(ctx)).get('csrf');
    if (!current || !csrf.valid(csrfSubject(current), submitted)) ctx.throw(403, 'csrf', { page: { title: 'error.title', message: 'error.csrf.message' } });
    ctx.cookies.set(SESSION_COOKIE, null, cookie(ctx, CONSOLE_PATH, 0));
    ctx.status = 303;
    ctx.redirect(signIn.endSessionUrl(`${deps.issuer}${SIGNED_OUT_PATH}`));
  });
  router.get('/signed-out', (ctx) => {
    ctx.status = 303;
    ctx.redirect(`${CONSOLE_PATH}/clients`);
  });

  return requireAdmin;
}
