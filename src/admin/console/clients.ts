/** The console's client pages: the list with each client's last use, creating, editing, enabling, deleting and rotating a secret. */
import type { Context } from 'koa';
import { asNewClient, AUTH_METHODS } from '../../clients/client-input.js';
import type { ClientRecord } from '../../clients/client-record.js';
import type { DeclaredClient } from '../../clients/declared-clients.js';
import { RESPONSE_TYPES } from '../../config/client-schema.js';
import { SIGNING_ALGS } from '../../config/id-token-algs.js';
import { AppError, isRefusal } from '../../errors.js';
import { STANDARD_SCOPES } from '../../oidc/claims.js';
import type { AdminServices } from '../services.js';
import { CONSOLE_PATH } from './console-client.js';
import { clientFromForm, fieldErrors } from './forms.js';
import { consoleChange, form, notFound, t, type ConsoleMount } from './shared.js';

/** Scopes are offered as choices on the client form. */
export type ClientServices = Pick<AdminServices, 'clients' | 'usage' | 'scopes' | 'audit'>;

const flows = (types: readonly string[]) => types.map((type) => (type === 'code' ? 'code + PKCE' : `implicit (${type})`)).join(', ');
const dateTime = (ms: number | undefined) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : undefined);

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
  requireMfa: c?.requireMfa ?? false,
  accessTokenTtl: c?.accessTokenTtl ?? '',
  idTokenTtl: c?.idTokenTtl ?? '',
  idTokenSignedResponseAlg: c?.idTokenSignedResponseAlg ?? '',
  groupsFilter: (c?.groupsFilter ?? []).join('\n'),
  claimMap: Object.entries(c?.claimMap ?? {}).map(([from, to]) => `${from}=${to}`).join('\n'),
  backchannelLogoutUri: c?.backchannelLogoutUri ?? '',
  frontchannelLogoutUri: c?.frontchannelLogoutUri ?? '',
});

/** `defaultSigningAlg` (ID_TOKEN_SIGNING_ALG) is shown as what a client without its own algorithm gets. */
export function clientRoutes({ router, requireAdmin, page }: ConsoleMount, services: ClientServices, defaultSigningAlg: string) {
  const { clients, usage, scopes } = services;
  const change = consoleChange(services.audit);
  const scopeChoices = async () => [...new Set([...STANDARD_SCOPES, ...(await scopes.list()).map((s) => s.id)])];

  /** A client a config file declares is shown, never changed: each change is refused before anything else. */
  const refuseDeclared = (ctx: Context) => {
    const declared = clients.declared.find(ctx.params.id!);
    if (!declared) return;
    const message = t(ctx)('admin.clients.read_only_refused', { id: String(declared.metadata.client_id), file: declared.file });
    throw Object.assign(new Error(message), { status: 409, expose: true });
  };

  router.get('/clients', requireAdmin, async (ctx) => {
    const [records, used] = await Promise.all([clients.list(), usage.summary()]);
    const row = (r: Pick<ClientRecord, 'metadata' | 'disabled'>, source?: string) => ({
      id: r.metadata.client_id,
      name: r.metadata.client_name ?? r.metadata.client_id,
      flows: flows(r.metadata.response_types ?? []),
      lastUsed: dateTime(used.get(r.metadata.client_id)?.lastUsed),
      disabled: r.disabled === true,
      source,
    });
    const list = [...clients.declared.list().map((d) => row(d, d.source)), ...records.map((r) => row(r))];
    page(ctx, 'admin/clients', 'clients', { title: t(ctx)('admin.nav.clients'), clients: list });
  });

  async function clientPage(ctx: Context, title: string, action: string, values: ReturnType<typeof clientForm>, record?: ClientRecord, errors = {}, status = 200, declared?: DeclaredClient) {
    page(ctx, 'admin/client', 'clients', {
      readOnlyFile: declared?.file,
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
      defaultSigningAlg,
    }, status);
  }

  router.get('/clients/new', requireAdmin, (ctx) => clientPage(ctx, t(ctx)('admin.clients.new'), `${CONSOLE_PATH}/clients`, clientForm(undefined)));
  router.post('/clients', requireAdmin, async (ctx) => {
    const input = clientFromForm(form(ctx));
    try {
      const created = await change(ctx, 'client create', 'client', () => clients.create(input), undefined, (c) => c.client_id);
      page(ctx, 'admin/secret', 'clients', { title: t(ctx)('admin.secret.created'), clientId: created.client_id, secret: created.client_secret }, 201);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await clientPage(ctx, t(ctx)('admin.clients.new'), `${CONSOLE_PATH}/clients`, clientForm(input), undefined, fieldErrors((err as Error).message), 400);
    }
  });
  router.get('/clients/:id', requireAdmin, async (ctx) => {
    const declared = clients.declared.find(ctx.params.id!);
    if (declared) {
      const shown = { metadata: declared.metadata, disabled: false } as ClientRecord;
      await clientPage(ctx, String(declared.metadata.client_name ?? declared.metadata.client_id), ctx.path, clientForm(asNewClient(shown)), shown, {}, 200, declared);
      return;
    }
    const record = await clients.require(ctx.params.id!).catch(notFound);
    await clientPage(ctx, record.metadata.client_name ?? record.metadata.client_id, ctx.path, clientForm(asNewClient(record)), record);
  });
  router.post('/clients/:id', requireAdmin, async (ctx) => {
    const id = ctx.params.id!;
    refuseDeclared(ctx);
    const record = await clients.require(id).catch(notFound);
    const input = clientFromForm(form(ctx));
    try {
      const { client_secret: secret } = await change(ctx, 'client update', 'client', () => clients.update(id, input), id);
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
      refuseDeclared(ctx);
      await change(ctx, `client ${path}`, 'client', () => clients.setDisabled(ctx.params.id!, disabled), ctx.params.id).catch(notFound);
      ctx.status = 303;
      ctx.redirect(`${CONSOLE_PATH}/clients/${ctx.params.id}`);
    });
  }
  router.post('/clients/:id/delete', requireAdmin, async (ctx) => {
    refuseDeclared(ctx);
    await change(ctx, 'client delete', 'client', () => clients.delete(ctx.params.id!), ctx.params.id).catch(notFound);
    ctx.status = 303;
    ctx.redirect(`${CONSOLE_PATH}/clients`);
  });
  router.post('/clients/:id/rotate-secret', requireAdmin, async (ctx) => {
    refuseDeclared(ctx);
    const rotated = await change(ctx, 'client rotate-secret', 'client', () => clients.rotateSecret(ctx.params.id!), ctx.params.id).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'invalid') throw Object.assign(new Error(err.message), { status: 400, expose: true });
      return notFound(err);
    });
    page(ctx, 'admin/secret', 'clients', { title: t(ctx)('admin.secret.rotated'), clientId: rotated.client_id, secret: rotated.client_secret });
  });
}
