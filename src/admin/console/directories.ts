/** The console's directory pages: the list, creating and editing a directory (bind password write-only), a test sign-in, deleting. */
import type { Context } from 'koa';
import { isRefusal } from '../../errors.js';
import { DEFAULT_FILTERS, type DirectoryView } from '../../directories/directory-record.js';
import { testDirectory } from '../../directories/directory-test.js';
import { PASSWORD_MAX, USERNAME_MAX } from '../../input-bounds.js';
import type { AdminServices } from '../services.js';
import { CONSOLE_PATH } from './console-client.js';
import { consoleChange, form, notFound, t, type ConsoleMount } from './shared.js';

export type DirectoryServices = Pick<AdminServices, 'directories' | 'audit'>;

interface DirectoryForm {
  name: string;
  kind: string;
  urls: string;
  startTls: boolean;
  ca: string;
  bindDn: string;
  userBase: string;
  userFilter: string;
  groupBase: string;
  groupFilter: string;
  domains: string;
  claimMap: string;
  order: string;
  passwordMaxAgeSeconds: string;
}

const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

const formOf = (d: DirectoryView): DirectoryForm => ({
  name: d.name,
  kind: d.kind,
  urls: d.urls.join('\n'),
  startTls: d.startTls,
  ca: d.ca ?? '',
  bindDn: d.bindDn,
  userBase: d.userBase,
  userFilter: d.userFilter ?? '',
  groupBase: d.groupBase ?? '',
  groupFilter: d.groupFilter ?? '',
  domains: d.domains.join('\n'),
  claimMap: Object.entries(d.claimMap).map(([c, a]) => `${c}=${a}`).join('\n'),
  order: String(d.order),
  passwordMaxAgeSeconds: d.passwordMaxAgeSeconds === undefined ? '' : String(d.passwordMaxAgeSeconds),
});

const EMPTY: DirectoryForm = { name: '', kind: 'openldap', urls: '', startTls: false, ca: '', bindDn: '', userBase: '', userFilter: '', groupBase: '', groupFilter: '', domains: '', claimMap: '', order: '100', passwordMaxAgeSeconds: '' };

function posted(body: URLSearchParams): DirectoryForm {
  const get = (name: string) => (body.get(name) ?? '').trim();
  return { ...EMPTY, name: get('name'), kind: get('kind') || 'openldap', urls: get('urls'), startTls: body.get('startTls') === 'yes', ca: get('ca'), bindDn: get('bindDn'), userBase: get('userBase'), userFilter: get('userFilter'), groupBase: get('groupBase'), groupFilter: get('groupFilter'), domains: get('domains'), claimMap: get('claimMap'), order: get('order'), passwordMaxAgeSeconds: get('passwordMaxAgeSeconds') };
}

/** The form as the store's input: an empty optional field clears it, an empty bind password keeps the stored one. */
function inputOf(f: DirectoryForm, bindPassword: string, isNew: boolean): Record<string, unknown> {
  const optional = (v: string) => (v === '' ? (isNew ? undefined : null) : v);
  const order = Number(f.order);
  const maxAge = Number(f.passwordMaxAgeSeconds);
  return {
    kind: f.kind,
    urls: lines(f.urls),
    startTls: f.startTls,
    ca: optional(f.ca),
    bindDn: f.bindDn,
    ...(bindPassword || isNew ? { bindPassword } : {}),
    userBase: f.userBase,
    userFilter: optional(f.userFilter),
    groupBase: optional(f.groupBase),
    groupFilter: optional(f.groupFilter),
    domains: lines(f.domains),
    claimMap: Object.fromEntries(lines(f.claimMap).map((l) => [l.slice(0, l.indexOf('=') >>> 0), l.includes('=') ? l.slice(l.indexOf('=') + 1).trim() : ''])),
    order: f.order === '' || !Number.isInteger(order) ? f.order : order,
    passwordMaxAgeSeconds: f.passwordMaxAgeSeconds === '' ? (isNew ? undefined : null) : Number.isInteger(maxAge) ? maxAge : f.passwordMaxAgeSeconds,
  };
}

/** The store's refusal "field: rule; field: rule" by field (claimMap.x goes with claimMap). */
function errorsOf(message: string): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const part of message.split('; ')) {
    const field = /^([A-Za-z]+)/.exec(part)?.[1] ?? 'form';
    (errors[field === 'url' ? 'urls' : field in EMPTY || field === 'bindPassword' ? field : 'form'] ??= []).push(part);
  }
  return errors;
}

export function directoryRoutes({ router, requireAdmin, page }: ConsoleMount, services: DirectoryServices) {
  const { directories } = services;
  const change = consoleChange(services.audit);
  const pathOf = (name: string) => `${CONSOLE_PATH}/directories/${encodeURIComponent(name)}`;

  function directoryPage(ctx: Context, values: DirectoryForm, isNew: boolean, extra: Record<string, unknown> = {}, status = 200) {
    page(ctx, 'admin/directory', 'directories', {
      title: isNew ? t(ctx)('directory.console.new') : values.name,
      action: isNew ? `${CONSOLE_PATH}/directories` : pathOf(values.name),
      form: values,
      isNew,
      defaults: DEFAULT_FILTERS[values.kind === 'active-directory' ? 'active-directory' : 'openldap'],
      ...extra,
    }, status);
  }

  router.get('/directories', requireAdmin, async (ctx) => {
    page(ctx, 'admin/directories', 'directories', { title: t(ctx)('directory.nav'), directories: await directories.list() });
  });
  router.get('/directories/new', requireAdmin, (ctx) => directoryPage(ctx, EMPTY, true));
  router.get('/directories/:name', requireAdmin, async (ctx) => {
    const view = await directories.require(ctx.params.name!).catch(notFound);
    // Imported without KEYS_ENCRYPTION_KEY: the page says a password must be entered, not that one is kept.
    directoryPage(ctx, formOf(view), false, { passwordMissing: !view.bindPasswordSet });
  });
  const save = (isNew: boolean) => async (ctx: Context) => {
    const values = posted(form(ctx));
    if (!isNew) values.name = ctx.params.name!;
    const input = inputOf(values, form(ctx).get('bindPassword') ?? '', isNew);
    try {
      await change(ctx, `directory ${isNew ? 'create' : 'update'} ${values.name.slice(0, 64)}`, 'setting', () =>
        isNew ? directories.create({ name: values.name, ...input }) : directories.update(values.name, input),
      );
      ctx.status = 303;
      ctx.redirect(pathOf(values.name));
    } catch (err) {
      if (!isRefusal(err)) throw err;
      directoryPage(ctx, values, isNew, { errors: errorsOf((err as Error).message) }, 400);
    }
  };
  router.post('/directories', requireAdmin, save(true));
  router.post('/directories/:name', requireAdmin, save(false));
  router.post('/directories/:name/test', requireAdmin, async (ctx) => {
    const shown = formOf(await directories.require(ctx.params.name!).catch(notFound));
    const username = (form(ctx).get('username') ?? '').trim().slice(0, USERNAME_MAX);
    const password = (form(ctx).get('password') ?? '').slice(0, PASSWORD_MAX);
    const directory = (await directories.forSignIn()).find((d) => d.name === shown.name)!;
    directoryPage(ctx, shown, false, { testName: username, report: await testDirectory(directory, username, password) });
  });
  router.post('/directories/:name/delete', requireAdmin, async (ctx) => {
    await change(ctx, `directory delete ${ctx.params.name}`, 'setting', () => directories.delete(ctx.params.name!).catch(notFound));
    ctx.status = 303;
    ctx.redirect(`${CONSOLE_PATH}/directories`);
  });
}
