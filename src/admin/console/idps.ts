/**
 * The console's upstream identity provider pages: the list, creating and editing an OpenID Connect IdP (client
 * secret write-only), its redirect_uri to register upstream, a reachability test, deleting; and unlinking a user's
 * upstream identity. SAML IdPs are listed, edited (everything but their metadata) and deleted here; they are created
 * with the command line or the API, which read their metadata.
 */
import type { Context } from 'koa';
import { isRefusal } from '../../errors.js';
import { callbackUrlOf, type IdpView } from '../../idps/idp-record.js';
import { testIdp } from '../../idps/idp-test.js';
import type { AdminServices } from '../services.js';
import { CONSOLE_PATH } from './console-client.js';
import { consoleChange, form, notFound, t, type ConsoleMount } from './shared.js';

export type IdpServices = Pick<AdminServices, 'idps' | 'federatedAccounts' | 'audit'>;

interface IdpForm {
  name: string;
  type: string;
  displayName: string;
  displayNameZh: string;
  logoUrl: string;
  enabled: boolean;
  issuer: string;
  clientId: string;
  scopes: string;
  useUserinfo: boolean;
  domains: string;
  linkByVerifiedEmail: boolean;
  /** SAML only. */
  trustEmail: boolean;
  subjectAttribute: string;
  claimMap: string;
  groupsClaim: string;
  order: string;
}

const lines = (text: string) => text.split(/[\r\n\s]+/).map((l) => l.trim()).filter(Boolean);

const formOf = (i: IdpView): IdpForm => ({
  name: i.name,
  type: i.type,
  displayName: typeof i.displayName === 'string' ? i.displayName : i.displayName.en,
  displayNameZh: typeof i.displayName === 'string' ? '' : (i.displayName['zh-CN'] ?? ''),
  logoUrl: i.logoUrl ?? '',
  enabled: i.enabled,
  issuer: i.oidc?.issuer ?? '',
  clientId: i.oidc?.clientId ?? '',
  scopes: (i.oidc?.scopes ?? []).join(' '),
  useUserinfo: i.oidc?.useUserinfo ?? false,
  domains: i.domains.join('\n'),
  linkByVerifiedEmail: i.linkByVerifiedEmail,
  trustEmail: i.trustEmail,
  subjectAttribute: i.saml?.subjectAttribute ?? '',
  claimMap: Object.entries(i.claimMap).map(([c, a]) => `${c}=${a}`).join('\n'),
  groupsClaim: i.groupsClaim ?? '',
  order: String(i.order),
});

const EMPTY: IdpForm = { name: '', type: 'oidc', displayName: '', displayNameZh: '', logoUrl: '', enabled: true, issuer: '', clientId: '', scopes: 'openid email profile', useUserinfo: false, domains: '', linkByVerifiedEmail: false, trustEmail: false, subjectAttribute: '', claimMap: '', groupsClaim: '', order: '100' };

function posted(body: URLSearchParams): IdpForm {
  const get = (name: string) => (body.get(name) ?? '').trim();
  const yes = (name: string) => body.get(name) === 'yes';
  return { name: get('name'), type: 'oidc', displayName: get('displayName'), displayNameZh: get('displayNameZh'), logoUrl: get('logoUrl'), enabled: yes('enabled'), issuer: get('issuer'), clientId: get('clientId'), scopes: get('scopes'), useUserinfo: yes('useUserinfo'), domains: get('domains'), linkByVerifiedEmail: yes('linkByVerifiedEmail'), trustEmail: yes('trustEmail'), subjectAttribute: get('subjectAttribute'), claimMap: get('claimMap'), groupsClaim: get('groupsClaim'), order: get('order') };
}

/** The form as the store's input: an empty optional field clears it, an empty client secret keeps the stored one. */
function inputOf(f: IdpForm, clientSecret: string, isNew: boolean, type: string): Record<string, unknown> {
  const optional = (v: string) => (v === '' ? (isNew ? undefined : null) : v);
  const order = Number(f.order);
  const displayName = f.displayName === '' ? undefined : f.displayNameZh ? { en: f.displayName, 'zh-CN': f.displayNameZh } : f.displayName;
  return {
    ...(displayName ? { displayName } : {}),
    logoUrl: optional(f.logoUrl),
    enabled: f.enabled,
    domains: lines(f.domains),
    linkByVerifiedEmail: f.linkByVerifiedEmail,
    claimMap: Object.fromEntries(f.claimMap.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map((l) => [l.slice(0, l.indexOf('=') >>> 0), l.includes('=') ? l.slice(l.indexOf('=') + 1).trim() : ''])),
    groupsClaim: optional(f.groupsClaim),
    order: f.order === '' || !Number.isInteger(order) ? f.order : order,
    ...(type === 'oidc' ? { oidc: { issuer: f.issuer, clientId: f.clientId, scopes: lines(f.scopes), useUserinfo: f.useUserinfo, ...(clientSecret || isNew ? { clientSecret } : {}) } } : {}),
    // A SAML IdP is created with its metadata elsewhere; here only the fields of its answer are edited.
    ...(type === 'saml' ? { trustEmail: f.trustEmail, saml: { subjectAttribute: optional(f.subjectAttribute) } } : {}),
  };
}

export function idpRoutes({ router, requireAdmin, page }: ConsoleMount, services: IdpServices, issuer: string) {
  const { idps, federatedAccounts } = services;
  const change = consoleChange(services.audit);
  const pathOf = (name: string) => `${CONSOLE_PATH}/idps/${encodeURIComponent(name)}`;

  function idpPage(ctx: Context, values: IdpForm, isNew: boolean, extra: Record<string, unknown> = {}, status = 200) {
    page(ctx, 'admin/idp', 'idps', {
      title: isNew ? t(ctx)('idp.console.new') : values.name,
      action: isNew ? `${CONSOLE_PATH}/idps` : pathOf(values.name),
      form: values,
      isNew,
      redirectUri: values.name ? callbackUrlOf(issuer, values.name) : '',
      ...extra,
    }, status);
  }

  router.get('/idps', requireAdmin, async (ctx) => {
    page(ctx, 'admin/idps', 'idps', { title: t(ctx)('idp.nav'), idps: await idps.list() });
  });
  router.get('/idps/new', requireAdmin, (ctx) => idpPage(ctx, EMPTY, true));
  router.get('/idps/:name', requireAdmin, async (ctx) => {
    idpPage(ctx, formOf(await idps.require(ctx.params.name!).catch(notFound)), false);
  });
  const save = (isNew: boolean) => async (ctx: Context) => {
    const body = form(ctx);
    const values = posted(body);
    const type = isNew ? 'oidc' : (await idps.require(ctx.params.name!).catch(notFound)).type;
    if (!isNew) values.name = ctx.params.name!;
    const input = inputOf(values, body.get('clientSecret') ?? '', isNew, type);
    try {
      await change(ctx, `idp ${isNew ? 'create' : 'update'} ${values.name.slice(0, 64)}`, 'setting', () => (isNew ? idps.create({ name: values.name, type, ...input }) : idps.update(values.name, input)));
      ctx.status = 303;
      ctx.redirect(pathOf(values.name));
    } catch (err) {
      if (!isRefusal(err)) throw err;
      idpPage(ctx, { ...values, type }, isNew, { errors: { form: (err as Error).message.split('; ') } }, 400);
    }
  };
  router.post('/idps', requireAdmin, save(true));
  router.post('/idps/:name', requireAdmin, save(false));
  router.post('/idps/:name/test', requireAdmin, async (ctx) => {
    const shown = formOf(await idps.require(ctx.params.name!).catch(notFound));
    const idp = (await idps.forSignIn(shown.name))!;
    idpPage(ctx, shown, false, { report: await testIdp(idp) });
  });
  router.post('/idps/:name/delete', requireAdmin, async (ctx) => {
    await change(ctx, `idp delete ${ctx.params.name}`, 'setting', async () => {
      const removed = await idps.delete(ctx.params.name!).catch(notFound);
      await federatedAccounts.forgetIdp(removed.name);
      return removed;
    });
    ctx.status = 303;
    ctx.redirect(`${CONSOLE_PATH}/idps`);
  });
  router.post('/users/:username/unlink/:idp', requireAdmin, async (ctx) => {
    await change(ctx, `user unlink ${ctx.params.username} from idp ${ctx.params.idp}`, 'user', () => federatedAccounts.unlink(ctx.params.username!, ctx.params.idp!).catch(notFound));
    ctx.status = 303;
    ctx.redirect(`${CONSOLE_PATH}/users`);
  });
}
