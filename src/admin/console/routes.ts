/**
 * The administrators' web console under /admin: server-rendered pages on the same stores, validation and audit
 * as the command line and the admin API. Signing in goes through the provider's own login page (sign-in.ts);
 * every request checks that the provider session it was made from still holds (provider-session.ts) and reads the
 * role from the user store, so a signed-out, disabled or demoted administrator is out at once.
 * Every form posts a CSRF token bound to the console session; every change goes through `audited`.
 */
import { AppError, isRefusal } from '../../errors.js';
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { ROLES, type UserRecord, type UserView } from '../../accounts/users.js';
import { asNewClient, AUTH_METHODS, type ClientRecord } from '../../clients/registry.js';
import { readForm } from '../../http/body.js';
import type { Csrf } from '../../pages/csrf.js';
import type { Locale } from '../../pages/i18n.js';
import { languageLinks, requestLocale } from '../../pages/page-locale.js';
import type { PageName, Views } from '../../pages/views.js';
import { STANDARD_CLAIMS, STANDARD_SCOPES } from '../../oidc/claims.js';
import { RESPONSE_TYPES } from '../../config/client-schema.js';
import { SIGNING_ALGS } from '../../config/id-token-algs.js';
import type { AdminServices } from '../services.js';
import { audited, type AdminAction } from '../../audit/audited.js';
import { SETTING_KEYS } from '../../settings/provider-settings.js';
import type { ScopeRecord } from '../../scopes/scopes.js';
import { CONSOLE_PATH, SIGNED_OUT_PATH } from './console-client.js';
import { clientFromForm, fieldErrors, scopeFromForm } from './forms.js';
import { migrationRow } from './migration.js';
import type { ProviderSessions } from './provider-session.js';
import type { Seal } from './seal.js';
import { localOrigin, type ConsoleSignIn, type SignInTransaction } from './sign-in.js';
import { epochSeconds } from '../../time.js';

export interface ConsoleDeps {
  issuer: string;
  stores: AdminServices;
  views: Views;
  csrf: Csrf;
  seal: Seal;
  signIn: ConsoleSignIn;
  sessions: ProviderSessions;
  /** Signing keys from JWKS/JWKS_FILE: nothing to rotate here. */
  keysConfigured: boolean;
  /** ID_TOKEN_SIGNING_ALG: what a client without its own algorithm gets. */
  defaultSigningAlg: string;
}

const SESSION_COOKIE = 'op_console';
const TRANSACTION_COOKIE = 'op_console_tx';
/** A console session ends after this long, whatever happens; signing in again is silent while the provider's session lasts. */
export const CONSOLE_SESSION_SECONDS = 8 * 3600;
const TRANSACTION_SECONDS = 600;

interface ConsoleSession {
  sub: string;
  /** Random per sign-in: what the CSRF tokens are bound to. */
  sid: string;
  /** The provider session it was made from: its id (it changes when that session signs in again) and its uid. */
  provider: { id: string; uid: string };
  /** When the console session ends (Unix seconds). */
  exp: number;
}

interface ConsoleState {
  user: UserRecord;
  session: ConsoleSession;
  locale: Locale;
}

const consoleOf = (ctx: Context) => ctx.state.console as ConsoleState;

export function adminConsole(deps: ConsoleDeps): Router {
  const { stores, views, csrf, seal, signIn } = deps;
  const router = new Router({ prefix: CONSOLE_PATH });
  const cookie = (ctx: Context, path: string, maxAgeSeconds: number) => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.secure,
    path,
    maxAge: maxAgeSeconds * 1000,
    signed: false, // sealed (encrypted and authenticated) by seal.ts instead
  });
  const csrfFor = (session: ConsoleSession) => csrf.tokenFor(`console:${session.sid}`);

  function render(ctx: Context, page: PageName, locale: Locale, locals: Record<string, unknown> & { title: string }, status = 200) {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    const state = ctx.state.console as ConsoleState | undefined;
    ctx.body = views.render(
      page,
      locale,
      { wide: true, errors: {}, admin: state?.user.username, csrf: state && csrfFor(state.session), ...locals },
      ctx.method === 'GET' ? languageLinks(views, ctx.path, locale.lang) : [],
    );
  }

  async function startSignIn(ctx: Context) {
    const returnTo = ctx.method === 'GET' && ctx.path.startsWith(`${CONSOLE_PATH}/`) ? ctx.path : `${CONSOLE_PATH}/clients`;
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
      if (!csrf.valid(`console:${current.sid}`, (ctx.state.form as URLSearchParams).get('csrf'))) {
        ctx.throw(403, 'csrf', { page: { title: 'error.title', message: 'error.csrf.message' } });
      }
    }
    ctx.state.console = { user, session: current, locale } satisfies ConsoleState;
    await next();
  }

  const form = (ctx: Context) => ctx.state.form as URLSearchParams;
  const change = <T>(ctx: Context, action: string, about: AdminAction['about'], run: () => Promise<T>, subject?: string, createdId?: (r: T) => string | undefined) =>
    audited(stores.audit, { actor: `console:${consoleOf(ctx).user.username}`, action, about, subject }, run, createdId);
  const t = (ctx: Context) => consoleOf(ctx).locale.t;
  const page = (ctx: Context, name: PageName, section: string, locals: Record<string, unknown> & { title: string }, status = 200) =>
    render(ctx, name, consoleOf(ctx).locale, { section, ...locals }, status);
  /** A record that is not there (a stale link or button): the error page with 404 and the store's message. */
  const notFound = (err: unknown) => {
    if (err instanceof AppError && err.code === 'not_found') throw Object.assign(new Error(err.message), { status: 404, expose: true });
    throw err;
  };

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
    if (!current || !csrf.valid(`console:${current.sid}`, submitted)) ctx.throw(403, 'csrf', { page: { title: 'error.title', message: 'error.csrf.message' } });
    ctx.cookies.set(SESSION_COOKIE, null, cookie(ctx, CONSOLE_PATH, 0));
    ctx.status = 303;
    ctx.redirect(signIn.endSessionUrl(`${deps.issuer}${SIGNED_OUT_PATH}`));
  });
  router.get('/signed-out', (ctx) => {
    ctx.status = 303;
    ctx.redirect(`${CONSOLE_PATH}/clients`);
  });

  router.get('/', requireAdmin, (ctx) => ctx.redirect(`${CONSOLE_PATH}/clients`));

  // Clients
  const scopeChoices = async () => [...new Set([...STANDARD_SCOPES, ...(await stores.scopes.list()).map((s) => s.id)])];
  const flows = (types: readonly string[]) => types.map((type) => (type === 'code' ? 'code + PKCE' : `implicit (${type})`)).join(', ');
  const dateTime = (ms: number | undefined) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : undefined);

  router.get('/clients', requireAdmin, async (ctx) => {
    const [records, usage] = await Promise.all([stores.clients.list(), stores.usage.summary()]);
    const clients = records.map((r) => ({
      id: r.metadata.client_id,
      name: r.metadata.client_name ?? r.metadata.client_id,
      flows: flows(r.metadata.response_types ?? []),
      lastUsed: dateTime(usage.get(r.metadata.client_id)?.lastUsed),
      disabled: r.disabled === true,
    }));
    page(ctx, 'admin/clients', 'clients', { title: t(ctx)('admin.nav.clients'), clients });
  });

  /** The form's values: from a stored client, from what was submitted, or empty for a new client. */
  const clientForm = (c: ReturnType<typeof clientFromForm> | undefined) => ({
    name: c?.name ?? '',
    description: c?.description ?? '',
    logoUri: c?.logoUri ?? '',
    clientUri: c?.clientUri ?? '',
    policyUri: c?.policyUri ?? '',
    tosUri: c?.tosUri ?? '',
    redirectUris: (c?.redirectUris ?? []).join('\n'),
    postLogoutRedirectUris: (c?.postLogoutRedirectUris ?? []).join('\n'),
    responseTypes: c?.responseTypes ?? [],
    refreshTokens: c?.grantTypes?.includes('refresh_token') ?? false,
    scopes: c?.scopes ?? [],
    authMethod: c?.authMethod ?? 'none',
    firstParty: c?.firstParty ?? false,
    alwaysSelectAccount: c?.alwaysSelectAccount ?? false,
    accessTokenTtl: c?.accessTokenTtl ?? '',
    idTokenTtl: c?.idTokenTtl ?? '',
    idTokenSignedResponseAlg: c?.idTokenSignedResponseAlg ?? '',
  });
  async function clientPage(ctx: Context, title: string, action: string, values: ReturnType<typeof clientForm>, record?: ClientRecord, errors = {}, status = 200) {
    page(ctx, 'admin/client', 'clients', {
      title,
      action,
      form: values,
      errors,
      clientId: record?.metadata.client_id,
      disabled: record?.disabled === true,
      confidential: record ? record.metadata.token_endpoint_auth_method !== 'none' : false,
      responseTypeChoices: RESPONSE_TYPES,
      scopeChoices: await scopeChoices(),
      authMethods: AUTH_METHODS,
      signingAlgs: SIGNING_ALGS,
      defaultSigningAlg: deps.defaultSigningAlg,
    }, status);
  }

  router.get('/clients/new', requireAdmin, (ctx) => clientPage(ctx, t(ctx)('admin.clients.new'), `${CONSOLE_PATH}/clients`, clientForm(undefined)));
  router.post('/clients', requireAdmin, async (ctx) => {
    const input = clientFromForm(form(ctx));
    try {
      const created = await change(ctx, 'client create', 'client', () => stores.clients.create(input), undefined, (c) => c.client_id);
      page(ctx, 'admin/secret', 'clients', { title: t(ctx)('admin.secret.created'), clientId: created.client_id, secret: created.client_secret }, 201);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await clientPage(ctx, t(ctx)('admin.clients.new'), `${CONSOLE_PATH}/clients`, clientForm(input), undefined, fieldErrors((err as Error).message), 400);
    }
  });
  router.get('/clients/:id', requireAdmin, async (ctx) => {
    const record = await stores.clients.require(ctx.params.id!).catch(notFound);
    await clientPage(ctx, record.metadata.client_name ?? record.metadata.client_id, ctx.path, clientForm(asNewClient(record)), record);
  });
  router.post('/clients/:id', requireAdmin, async (ctx) => {
    const id = ctx.params.id!;
    const record = await stores.clients.require(id).catch(notFound);
    const input = clientFromForm(form(ctx));
    try {
      const { client_secret: secret } = await change(ctx, 'client update', 'client', () => stores.clients.update(id, input), id);
      if (secret) {
        page(ctx, 'admin/secret', 'clients', { title: t(ctx)('admin.secret.created'), clientId: id, secret });
        return;
      }
      ctx.status = 303;
      ctx.redirect(`${CONSOLE_PATH}/clients/${id}`);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await clientPage(ctx, record.metadata.client_name ?? id, ctx.path, clientForm(input), record, fieldErrors((err as Error).message), 400);
    }
  });
  for (const [path, disabled] of [['enable', false], ['disable', true]] as const) {
    router.post(`/clients/:id/${path}`, requireAdmin, async (ctx) => {
      await change(ctx, `client ${path}`, 'client', () => stores.clients.setDisabled(ctx.params.id!, disabled), ctx.params.id).catch(notFound);
      ctx.status = 303;
      ctx.redirect(`${CONSOLE_PATH}/clients/${ctx.params.id}`);
    });
  }
  router.post('/clients/:id/delete', requireAdmin, async (ctx) => {
    await change(ctx, 'client delete', 'client', () => stores.clients.delete(ctx.params.id!), ctx.params.id).catch(notFound);
    ctx.status = 303;
    ctx.redirect(`${CONSOLE_PATH}/clients`);
  });
  router.post('/clients/:id/rotate-secret', requireAdmin, async (ctx) => {
    const rotated = await change(ctx, 'client rotate-secret', 'client', () => stores.clients.rotateSecret(ctx.params.id!), ctx.params.id).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'invalid') throw Object.assign(new Error(err.message), { status: 400, expose: true });
      return notFound(err);
    });
    page(ctx, 'admin/secret', 'clients', { title: t(ctx)('admin.secret.rotated'), clientId: rotated.client_id, secret: rotated.client_secret });
  });

  // Users
  const userMatches = (u: UserView, q: string) =>
    !q || [u.username, u.sub, u.claims.email, u.claims.name].some((v) => typeof v === 'string' && v.toLowerCase().includes(q.toLowerCase()));
  async function usersPage(ctx: Context, values: Record<string, string> = {}, errors = {}, status = 200, notice?: string) {
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim() : '';
    const users = (await stores.users.list()).filter((u) => userMatches(u, q));
    const formValues = { username: '', email: '', fullName: '', role: 'user', ...values };
    page(ctx, 'admin/users', 'users', { title: t(ctx)('admin.nav.users'), users, q, roles: ROLES, form: formValues, errors, notice }, status);
  }
  router.get('/users', requireAdmin, (ctx) => usersPage(ctx));
  router.post('/users', requireAdmin, async (ctx) => {
    const f = form(ctx);
    const values = { username: f.get('username') ?? '', email: f.get('email')?.trim() ?? '', fullName: f.get('fullName')?.trim() ?? '', role: f.get('role') ?? 'user' };
    const claims = { ...(values.email ? { email: values.email } : {}), ...(values.fullName ? { name: values.fullName } : {}) };
    try {
      const created = await change(ctx, 'user create', 'user', () => stores.users.create({ username: values.username, password: f.get('password') ?? '', claims, role: values.role }), undefined, (u) => u.username);
      await usersPage(ctx, {}, {}, 201, t(ctx)('admin.users.created', { user: created.username }));
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await usersPage(ctx, values, fieldErrors((err as Error).message), 400);
    }
  });
  const userAction = (path: string, action: string, run: (ctx: Context, username: string) => Promise<unknown>, notice: string) =>
    router.post(`/users/:username/${path}`, requireAdmin, async (ctx) => {
      const username = ctx.params.username!;
      try {
        await change(ctx, action, 'user', () => run(ctx, username), username);
        await usersPage(ctx, {}, {}, 200, t(ctx)(notice, { user: username }));
      } catch (err) {
        if (!isRefusal(err) || err.code === 'not_found') return notFound(err);
        await usersPage(ctx, {}, { form: [(err as Error).message] }, 400);
      }
    });
  userAction('enable', 'user enable', (_ctx, username) => stores.users.setDisabled(username, false), 'admin.users.enabled');
  userAction('disable', 'user disable', (_ctx, username) => stores.users.setDisabled(username, true), 'admin.users.disabled');
  userAction('password', 'user set-password', (ctx, username) => stores.users.setPassword(username, form(ctx).get('password') ?? ''), 'admin.users.password_changed');
  userAction('role', 'user update', (ctx, username) => stores.users.update(username, { role: form(ctx).get('role') ?? '' }), 'admin.users.role_changed');

  // Scopes
  const scopeTexts = (scope: ScopeRecord | ReturnType<typeof scopeFromForm>) => {
    const split = (v: ScopeRecord['name']) => (typeof v === 'string' ? { en: v, 'zh-CN': '' } : { en: v.en, 'zh-CN': v['zh-CN'] ?? '' });
    return { id: scope.id, name: split(scope.name), description: split(scope.description), claims: scope.claims ?? [], icon: scope.icon ?? '', default: scope.default === true };
  };
  const previewOf = (ctx: Context, scope: ReturnType<typeof scopeFromForm>) => {
    const locale = consoleOf(ctx).locale;
    const vars = { user: consoleOf(ctx).user.username, client_name: locale.t('admin.scopes.example_client') };
    const text = (v: ScopeRecord['name']) => (typeof v === 'string' || v.en ? locale.text(v, vars) : '');
    return { name: text(scope.name), description: text(scope.description), claims: scope.claims?.length ? locale.t('consent.shares', { claims: scope.claims.join(', ') }) : '' };
  };
  async function scopePage(ctx: Context, values: ReturnType<typeof scopeTexts>, isNew: boolean, extra: Record<string, unknown> = {}, status = 200) {
    page(ctx, 'admin/scope', 'scopes', {
      title: isNew ? t(ctx)('admin.scopes.new') : values.id,
      action: isNew ? `${CONSOLE_PATH}/scopes` : `${CONSOLE_PATH}/scopes/${encodeURIComponent(values.id)}`,
      form: values,
      isNew,
      claimChoices: [...STANDARD_CLAIMS],
      ...extra,
    }, status);
  }
  router.get('/scopes', requireAdmin, async (ctx) => {
    const locale = consoleOf(ctx).locale;
    const scopes = (await stores.scopes.list()).map((s) => ({ ...s, name: locale.text(s.name) }));
    page(ctx, 'admin/scopes', 'scopes', { title: t(ctx)('admin.nav.scopes'), scopes });
  });
  router.get('/scopes/new', requireAdmin, (ctx) => scopePage(ctx, scopeTexts({ id: '', name: '', description: '', claims: [] }), true));
  router.get('/scopes/:id', requireAdmin, async (ctx) => {
    const scope = await stores.scopes.require(ctx.params.id!).catch(notFound);
    await scopePage(ctx, scopeTexts(scope), false, { preview: previewOf(ctx, scope) });
  });
  const saveScope = (isNew: boolean) => async (ctx: Context) => {
    const input = scopeFromForm(form(ctx));
    if (!isNew) input.id = ctx.params.id!;
    if (form(ctx).get('intent') === 'preview') return scopePage(ctx, scopeTexts(input), isNew, { preview: previewOf(ctx, input) });
    try {
      const { id, ...fields } = input;
      await change(ctx, `scope ${isNew ? 'create' : 'update'} ${id}`, 'setting', () => (isNew ? stores.scopes.create(input) : stores.scopes.update(id, fields)));
      ctx.status = 303;
      ctx.redirect(`${CONSOLE_PATH}/scopes/${encodeURIComponent(id)}`);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await scopePage(ctx, scopeTexts(input), isNew, { errors: fieldErrors((err as Error).message) }, 400);
    }
  };
  router.post('/scopes', requireAdmin, saveScope(true));
  router.post('/scopes/:id', requireAdmin, saveScope(false));

  // Keys and settings
  async function keysPage(ctx: Context, errors = {}, status = 200) {
    const keys = deps.keysConfigured ? [] : await stores.keyring.status();
    page(ctx, 'admin/keys', 'keys', { title: t(ctx)('admin.nav.keys'), keys: keys.filter((k) => k.state !== 'retired'), configured: deps.keysConfigured, errors }, status);
  }
  router.get('/keys', requireAdmin, (ctx) => keysPage(ctx));
  router.post('/keys/rotate', requireAdmin, async (ctx) => {
    if (deps.keysConfigured) return keysPage(ctx, { form: [t(ctx)('admin.keys.configured')] }, 400);
    const text = form(ctx).get('leadTime')?.trim() ?? '';
    const lead = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    try {
      await change(ctx, `keys rotate lead=${text}s`, 'setting', () => stores.keyring.rotate(lead * 1000));
      ctx.status = 303;
      ctx.redirect(`${CONSOLE_PATH}/keys`);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await keysPage(ctx, { leadTime: [(err as Error).message] }, 400);
    }
  });
  async function settingsPage(ctx: Context, errors = {}, status = 200) {
    const current = await stores.providerSettings.read();
    const entries = SETTING_KEYS.map((key) => ({ key, value: current[key], boolean: typeof current[key] === 'boolean' }));
    page(ctx, 'admin/settings', 'settings', { title: t(ctx)('admin.nav.settings'), entries, errors }, status);
  }
  router.get('/settings', requireAdmin, (ctx) => settingsPage(ctx));
  router.post('/settings', requireAdmin, async (ctx) => {
    const key = form(ctx).get('key') ?? '';
    const value = form(ctx).get('value')?.trim() ?? '';
    try {
      await change(ctx, `settings set ${key}=${value}`, 'setting', () => stores.providerSettings.set(key, value));
      ctx.status = 303;
      ctx.redirect(`${CONSOLE_PATH}/settings`);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await settingsPage(ctx, { [(SETTING_KEYS as readonly string[]).includes(key) ? key : 'form']: [(err as Error).message] }, 400);
    }
  });

  // Audit and the implicit migration report
  router.get('/audit', requireAdmin, async (ctx) => {
    const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    const filter = { user: text(ctx.query.user), client: text(ctx.query.client) };
    const events = await stores.audit.tail(100, filter);
    page(ctx, 'admin/audit', 'audit', { title: t(ctx)('admin.nav.audit'), events, filter: { user: filter.user ?? '', client: filter.client ?? '' } });
  });
  router.get('/migration', requireAdmin, async (ctx) => {
    const [records, usage] = await Promise.all([stores.clients.list(), stores.usage.summary(30)]);
    const rows = records
      .map((r) => migrationRow(r, usage.get(r.metadata.client_id), t(ctx)))
      .filter((row): row is NonNullable<typeof row> => !!row)
      .sort((a, b) => b.implicit - a.implicit);
    page(ctx, 'admin/migration', 'migration', { title: t(ctx)('admin.nav.migration'), rows });
  });

  return router;
}
