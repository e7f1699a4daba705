/** The console's scope pages: the list, creating and editing a scope, and a preview of its text on the consent page. */
import type { Context } from 'koa';
import { isRefusal } from '../../errors.js';
import { STANDARD_CLAIMS } from '../../oidc/claims.js';
import type { ScopeRecord } from '../../scopes/scopes.js';
import type { AdminServices } from '../services.js';
import { CONSOLE_PATH } from './console-client.js';
import { fieldErrors, scopeFromForm } from './forms.js';
import { consoleChange, consoleOf, form, notFound, t, type ConsoleMount } from './shared.js';

export type ScopeServices = Pick<AdminServices, 'scopes' | 'audit'>;

/** The form's values: each text split into its English and Chinese fields. */
const scopeTexts = (scope: ScopeRecord | ReturnType<typeof scopeFromForm>) => {
  const split = (v: ScopeRecord['name']) => (typeof v === 'string' ? { en: v, 'zh-CN': '' } : { en: v.en, 'zh-CN': v['zh-CN'] ?? '' });
  const claims = scope.claims ?? [];
  const customClaims = claims.filter((c) => !STANDARD_CLAIMS.has(c)).join('\n');
  const display = Object.entries(scope.display ?? {})
    .map(([claim, text]) => `${claim} = ${typeof text === 'string' ? text : [text.en, text['zh-CN']].filter(Boolean).join(' | ')}`)
    .join('\n');
  return { id: scope.id, name: split(scope.name), description: split(scope.description), claims, customClaims, display, icon: scope.icon ?? '', default: scope.default === true };
};

/** The scope as the consent page would show it to the administrator, for an example client. */
const previewOf = (ctx: Context, scope: ReturnType<typeof scopeFromForm>) => {
  const locale = consoleOf(ctx).locale;
  const vars = { user: consoleOf(ctx).user.username, client_name: locale.t('admin.scopes.example_client') };
  const text = (v: ScopeRecord['name']) => (typeof v === 'string' || v.en ? locale.text(v, vars) : '');
  return { name: text(scope.name), description: text(scope.description), claims: scope.claims?.length ? locale.t('consent.shares', { claims: scope.claims.join(', ') }) : '' };
};

export function scopeRoutes({ router, requireAdmin, page }: ConsoleMount, services: ScopeServices) {
  const { scopes } = services;
  const change = consoleChange(services.audit);

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
    const list = (await scopes.list()).map((s) => ({ ...s, name: locale.text(s.name) }));
    page(ctx, 'admin/scopes', 'scopes', { title: t(ctx)('admin.nav.scopes'), scopes: list });
  });
  router.get('/scopes/new', requireAdmin, (ctx) => scopePage(ctx, scopeTexts({ id: '', name: '', description: '', claims: [] }), true));
  router.get('/scopes/:id', requireAdmin, async (ctx) => {
    const scope = await scopes.require(ctx.params.id!).catch(notFound);
    await scopePage(ctx, scopeTexts(scope), false, { preview: previewOf(ctx, scope) });
  });
  const saveScope = (isNew: boolean) => async (ctx: Context) => {
    const input = scopeFromForm(form(ctx));
    if (!isNew) input.id = ctx.params.id!;
    if (form(ctx).get('intent') === 'preview') return scopePage(ctx, scopeTexts(input), isNew, { preview: previewOf(ctx, input) });
    try {
      const { id, ...fields } = input;
      await change(ctx, `scope ${isNew ? 'create' : 'update'} ${id}`, 'setting', () => (isNew ? scopes.create(input) : scopes.update(id, fields)));
      ctx.status = 303;
      ctx.redirect(`${CONSOLE_PATH}/scopes/${encodeURIComponent(id)}`);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await scopePage(ctx, scopeTexts(input), isNew, { errors: fieldErrors((err as Error).message) }, 400);
    }
  };
  router.post('/scopes', requireAdmin, saveScope(true));
  router.post('/scopes/:id', requireAdmin, saveScope(false));
}
