/**
 * The user's own account page (/account): their profile, the applications they allowed (with "Remove access"),
 * their sessions (each with "Sign out", and "Sign out everywhere"), a password change, their recent security
 * events, and a link to their second factors (security.ts). Behind our own sign-in (account-client.ts); every POST
 * carries the CSRF token of the browser's session.
 */
import Router from '@koa/router';
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Consents } from '../accounts/consents.js';
import { sessionHandle, type AccountSessions } from '../accounts/sessions.js';
import type { Users } from '../accounts/users.js';
import type { AuditEvent, AuditLog } from '../audit/audit.js';
import { isRefusal } from '../errors.js';
import { readForm } from '../http/body.js';
import type { Csrf } from '../pages/csrf.js';
import { languageLinks, requestLocale } from '../pages/page-locale.js';
import type { Views } from '../pages/views.js';
import { epochSeconds } from '../time.js';
import { ACCOUNT_CALLBACK_PATH, ACCOUNT_CLIENT_ID, ACCOUNT_PATH } from './account-client.js';
import { currentSession, type CurrentSession } from './current-session.js';
import { SECURITY_PATH, securityRoutes, type AccountGate, type SecurityDeps } from './security.js';

export interface AccountDeps {
  provider: { readonly current: Provider };
  issuer: string;
  /** The authorization endpoint's path now (a runtime setting). */
  authorizationPath: () => string;
  users: Users;
  consents: Consents;
  sessions: AccountSessions;
  audit: AuditLog;
  views: Views;
  csrf: Csrf;
  /** The claims users may change here now (the runtime setting account.editable_claims). */
  editableClaims: () => readonly string[];
  /** The second factors' page (security.ts); without it the page and its link are not there. */
  security?: Pick<SecurityDeps, 'factors' | 'throttle' | 'mfaRequired' | 'issuerLabel' | 'rp'>;
}

/** Where the browser comes back to after signing in: the account page, or its second factors' page. */
type Back = 'account' | 'security';
/** The `state` prefix that names the second factors' page as the way back (it selects between fixed paths only). */
const SECURITY_STATE = 's.';

/** A sensitive change (the profile) needs a sign-in at most this old (seconds); an older one signs in again first. */
export const FRESH_SIGN_IN = 300;

/** How many of the user's recent security events the page shows. */
const RECENT_EVENTS = 15;

const shownTime = (iso: string | undefined) => (iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : '');

export function accountRoutes(deps: AccountDeps): Router {
  const router = new Router({ prefix: ACCOUNT_PATH });
  const { users, consents, sessions, audit, views, csrf } = deps;
  const csrfId = (current: CurrentSession) => `account:${current.uid}`;

  /** The provider's sign-in, as the account client; back at /account (or `back`) afterwards. */
  function signInUrl(ctx: Context, again: boolean, back: Back): string {
    const query = new URLSearchParams({
      client_id: ACCOUNT_CLIENT_ID,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: `${deps.issuer}${ACCOUNT_CALLBACK_PATH}`,
      state: `${back === 'security' ? SECURITY_STATE : ''}${randomBytes(16).toString('base64url')}`,
      // PKCE is required of every code client; the code is never exchanged (account-client.ts).
      code_challenge: randomBytes(32).toString('base64url'),
      code_challenge_method: 'S256',
    });
    const lang = requestLocale(ctx, views).lang;
    query.set('ui_locales', lang);
    if (again) query.set('prompt', 'login');
    return `${deps.issuer}${deps.authorizationPath()}?${query}`;
  }

  function toSignIn(ctx: Context, again = false, back: Back = 'account') {
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(signInUrl(ctx, again, back));
  }

  /** The signed-in session, or undefined after sending the browser to sign in. */
  async function signedIn(ctx: Context, back: Back = 'account'): Promise<CurrentSession | undefined> {
    const current = await currentSession(ctx, deps.provider.current, users);
    if (!current) toSignIn(ctx, false, back);
    return current;
  }

  /** A sensitive change needs a sign-in at most FRESH_SIGN_IN old. */
  const fresh = (current: CurrentSession) => epochSeconds() - current.loginTs <= FRESH_SIGN_IN;

  /** The POST's form, once its CSRF token is this session's; otherwise a 403 and nothing done. */
  async function checkedForm(ctx: Context, current: CurrentSession): Promise<URLSearchParams | undefined> {
    const form = await readForm(ctx);
    if (csrf.valid(csrfId(current), form.get('csrf'))) return form;
    const locale = requestLocale(ctx, views);
    ctx.status = 403;
    ctx.type = 'html';
    ctx.body = views.render('error', locale, { title: locale.t('error.title'), message: locale.t('account.refused'), code: 'invalid_csrf' });
    return undefined;
  }

  async function securityEvents(current: CurrentSession): Promise<AuditEvent[]> {
    const [bySub, byName] = await Promise.all([audit.tail(RECENT_EVENTS, { user: current.user.sub }), audit.tail(RECENT_EVENTS, { user: current.user.username })]);
    return [...bySub, ...byName]
      .filter((e) => e.type !== 'token.issued')
      .sort((a, b) => b.time.localeCompare(a.time))
      .slice(0, RECENT_EVENTS);
  }

  async function applications(current: CurrentSession) {
    const granted = await consents.list(current.user.sub).catch(() => []);
    const shown = granted.filter((c) => c.clientId !== ACCOUNT_CLIENT_ID);
    return Promise.all(
      shown.map(async (c) => {
        const client = await deps.provider.current.Client.find(c.clientId).catch(() => undefined);
        return { clientId: c.clientId, name: client?.clientName ?? c.clientId, uri: client?.clientUri, scopes: c.scope.split(' ').filter(Boolean), grantedAt: shownTime(c.createdAt) };
      }),
    );
  }

  async function page(ctx: Context, current: CurrentSession, notice?: string, errors: Record<string, string> = {}, status = 200) {
    const locale = requestLocale(ctx, views);
    const here = sessionHandle(current.id);
    const listed = await sessions.list(current.user.sub);
    const claims = current.user.claims as Record<string, unknown>;
    const editable = deps.editableClaims().map((name) => ({ name, value: typeof claims[name] === 'string' ? claims[name] : '' }));
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = views.render(
      'account',
      locale,
      {
        title: locale.t('account.title'),
        wide: true,
        csrf: csrf.tokenFor(csrfId(current)),
        notice,
        errors,
        profile: { username: current.user.username, name: typeof claims.name === 'string' ? claims.name : '', email: typeof claims.email === 'string' ? claims.email : '' },
        editable,
        applications: await applications(current),
        sessions: listed.map((s) => ({
          ...s,
          current: s.id === here,
          device: s.browser && s.os ? locale.t('account.sessions.browser_on', { browser: s.browser, os: s.os }) : (s.browser ?? s.os ?? locale.t('account.sessions.unknown_device')),
          signedIn: shownTime(s.signedInAt),
          lastSeen: shownTime(s.lastSeenAt),
        })),
        events: (await securityEvents(current)).map((e) => ({ ...e, shownTime: shownTime(e.time) })),
        securityPath: deps.security ? SECURITY_PATH : undefined,
      },
      languageLinks(views, ACCOUNT_PATH, locale.lang),
    );
  }

  router.get('/', async (ctx) => {
    const current = await signedIn(ctx);
    if (current) await page(ctx, current, ctx.query.done === 'password' ? requestLocale(ctx, views).t('account.password.changed') : undefined);
  });
  // Back from the sign-in: the session cookie is what counts (the code is left to expire unused).
  router.get('/callback', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    ctx.redirect(deps.security && state.startsWith(SECURITY_STATE) ? SECURITY_PATH : ACCOUNT_PATH);
  });

  router.post('/profile', async (ctx) => {
    const current = await signedIn(ctx);
    const form = current && (await checkedForm(ctx, current));
    if (!current || !form) return;
    // A sensitive change: with a sign-in older than a few minutes, the password is asked for again first.
    if (!fresh(current)) return toSignIn(ctx, true);
    const t = requestLocale(ctx, views).t;
    const before = current.user.claims as Record<string, unknown>;
    const change: Record<string, unknown> = {};
    for (const name of deps.editableClaims()) {
      const value = form.get(name);
      if (value === null) continue;
      const text = value.trim();
      if (text === (typeof before[name] === 'string' ? before[name] : '')) continue;
      change[name] = text === '' ? null : text;
      // A new address is not a verified one.
      if (name === 'email' && before.email_verified === true) change.email_verified = false;
    }
    if (Object.keys(change).length === 0) return page(ctx, current, t('account.profile.unchanged'));
    try {
      await users.update(current.user.username, { claims: change });
    } catch (err) {
      if (!isRefusal(err)) throw err;
      return page(ctx, current, undefined, { profile: (err as Error).message }, 400);
    }
    audit.record({ type: 'admin', outcome: 'success', actor: current.user.username, user: current.user.sub, ip: ctx.ip, action: `profile changed on the account page (${Object.keys(change).join(', ')})` });
    const updated = await currentSession(ctx, deps.provider.current, users);
    await page(ctx, updated ?? current, t('account.profile.saved'));
  });

  router.post('/applications/remove', async (ctx) => {
    const current = await signedIn(ctx);
    const form = current && (await checkedForm(ctx, current));
    if (!current || !form) return;
    const clientId = (form.get('client') ?? '').slice(0, 256);
    const t = requestLocale(ctx, views).t;
    try {
      await consents.revoke(current.user.sub, clientId, current.user.username);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      return page(ctx, current, undefined, { applications: t('account.applications.not_found') }, 404);
    }
    await sessions.notifyClient(current.user.sub, clientId, 'access removed by the user');
    await page(ctx, current, t('account.applications.removed'));
  });

  router.post('/sessions/sign-out', async (ctx) => {
    const current = await signedIn(ctx);
    const form = current && (await checkedForm(ctx, current));
    if (!current || !form) return;
    const handle = (form.get('session') ?? '').slice(0, 64);
    const t = requestLocale(ctx, views).t;
    try {
      await sessions.end(current.user.sub, 'signed out by the user', handle);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      return page(ctx, current, undefined, { sessions: t('account.sessions.not_found') }, 404);
    }
    if (handle === sessionHandle(current.id)) return ctx.redirect(ACCOUNT_PATH);
    await page(ctx, current, t('account.sessions.signed_out'));
  });

  router.post('/sign-out-everywhere', async (ctx) => {
    const current = await signedIn(ctx);
    const form = current && (await checkedForm(ctx, current));
    if (!current || !form) return;
    await sessions.end(current.user.sub, 'signed out everywhere by the user');
    ctx.redirect(ACCOUNT_PATH);
  });

  router.post('/password', async (ctx) => {
    const current = await signedIn(ctx);
    const form = current && (await checkedForm(ctx, current));
    if (!current || !form) return;
    const t = requestLocale(ctx, views).t;
    const password = form.get('password') ?? '';
    if (password !== (form.get('confirm') ?? '')) return page(ctx, current, undefined, { password: t('account.password.mismatch') }, 400);
    // The current password, always: a browser left signed in is not enough to change it.
    if (!(await users.verify(current.user.username, form.get('current') ?? ''))) {
      audit.record({ type: 'login', outcome: 'failure', user: current.user.username, ip: ctx.ip, action: 'wrong current password on the account page' });
      return page(ctx, current, undefined, { current: t('account.password.wrong') }, 400);
    }
    const session = await deps.provider.current.Session.find(current.id);
    try {
      // A new password ends every session and token the old one opened (a credential change ends what it opened).
      await users.setPassword(current.user.username, password);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      return page(ctx, current, undefined, { password: (err as Error).message }, 400);
    }
    audit.record({ type: 'admin', outcome: 'success', actor: current.user.username, user: current.user.sub, ip: ctx.ip, action: 'password changed on the account page' });
    // This browser proved the current password on this very request: its session comes back, signed in now (after
    // the change's second, so the fence lets it through), with no application in it (theirs were ended above).
    if (session?.accountId === current.user.sub && typeof session.exp === 'number' && session.exp > epochSeconds()) {
      session.loginTs = epochSeconds();
      session.authorizations = {};
      await session.persist();
    }
    ctx.redirect(`${ACCOUNT_PATH}?done=password`);
  });

  if (deps.security) {
    const gate: AccountGate = {
      signedIn,
      checkedForm,
      signInAgainUrl: (ctx, back) => signInUrl(ctx, true, back),
      csrfToken: (current) => csrf.tokenFor(csrfId(current)),
      fresh,
    };
    securityRoutes(router, { ...deps.security, audit, views }, gate);
  }

  return router;
}
