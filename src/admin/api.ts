/**
 * The admin HTTP API under /admin/api: JSON resources for clients, users and the audit trail, on the same
 * registry, user store, validation and audit as the command line. Every call but the OpenAPI document needs an
 * admin token (`oidc-op admin-token create`) as a Bearer token.
 */
import { httpStatusOf, isRefusal } from '../errors.js';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { toView } from '../accounts/users.js';
import { clientView } from '../clients/registry.js';
import { BodyError, readJson } from '../http/body.js';
import type { AuditType } from '../audit/audit.js';
import type { AdminServices } from './services.js';
import type { AdminTokens } from '../accounts/admin-tokens.js';
import { DocumentError } from '../backup/backup-document.js';
import { audited, type AdminAction } from '../audit/audited.js';
import { KeyError } from '../keys/keyring.js';
import { openApiDocument } from './openapi.js';

export const ADMIN_API = '/admin/api';

/** An import carries every user's hash: room for tens of thousands of records. */
const IMPORT_LIMIT = 32 * 1024 * 1024;

/** A JSON body handed to a store, which validates every field itself and names what is wrong. */
const unchecked = <T>(body: Record<string, unknown>) => body as T;

/** Maps what the stores refuse to the status and the JSON body an API client reads. */
async function jsonErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (err) {
    if (!isRefusal(err)) throw err;
    ctx.status = httpStatusOf(err);
    ctx.body = { error: err.code === 'not_found' ? 'not_found' : 'invalid_request', message: err.message, ...(err instanceof DocumentError ? { issues: err.issues } : {}) };
  }
}

export function adminApi(stores: AdminServices, tokens: AdminTokens, keysConfigured: boolean): Router {
  const router = new Router({ prefix: ADMIN_API });
  const { clients, users, audit } = stores;

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });
  router.use(jsonErrors);
  router.get('/openapi.json', (ctx) => {
    ctx.body = openApiDocument();
  });
  router.use(async (ctx, next) => {
    const header = ctx.get('authorization');
    const token = /^Bearer (\S+)$/i.exec(header)?.[1];
    const admin = token ? await tokens.verify(token) : undefined;
    if (!admin) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer realm="admin"');
      ctx.body = { error: 'unauthorized', message: 'an admin token is required (oidc-op admin-token create)' };
      return;
    }
    ctx.state.actor = `token:${admin.name}`;
    await next();
  });

  const change = <T>(ctx: Context, action: string, about: AdminAction['about'], run: () => Promise<T>, createdId?: (r: T) => string | undefined) =>
    audited(audit, { actor: String(ctx.state.actor), action, about, subject: ctx.params.id ?? ctx.params.username }, run, createdId);
  const body = (ctx: Context) => readJson(ctx);

  router.get('/clients', async (ctx) => {
    ctx.body = { clients: (await clients.list()).map(clientView) };
  });
  router.post('/clients', async (ctx) => {
    const input = await body(ctx);
    const created = await change(ctx, 'client create', 'client', () => clients.create(unchecked(input)), (c) => c.client_id);
    ctx.status = 201;
    ctx.set('Location', `${ADMIN_API}/clients/${created.client_id}`);
    ctx.body = created;
  });
  router.get('/clients/:id', async (ctx) => {
    ctx.body = clientView(await clients.require(ctx.params.id!));
  });
  router.patch('/clients/:id', async (ctx) => {
    const input = await body(ctx);
    const { record, client_secret: secret } = await change(ctx, 'client update', 'client', () => clients.update(ctx.params.id!, unchecked(input)));
    ctx.body = secret ? { ...clientView(record), client_secret: secret } : clientView(record);
  });
  router.delete('/clients/:id', async (ctx) => {
    await change(ctx, 'client delete', 'client', () => clients.delete(ctx.params.id!));
    ctx.status = 204;
  });
  for (const [path, disabled] of [['enable', false], ['disable', true]] as const) {
    router.post(`/clients/:id/${path}`, async (ctx) => {
      ctx.body = clientView(await change(ctx, `client ${path}`, 'client', () => clients.setDisabled(ctx.params.id!, disabled)));
    });
  }
  router.post('/clients/:id/rotate-secret', async (ctx) => {
    ctx.body = await change(ctx, 'client rotate-secret', 'client', () => clients.rotateSecret(ctx.params.id!));
  });

  router.get('/users', async (ctx) => {
    ctx.body = { users: await users.list() };
  });
  router.post('/users', async (ctx) => {
    const input = await body(ctx);
    const created = await change(ctx, 'user create', 'user', () => users.create(unchecked(input)), (u) => u.username);
    ctx.status = 201;
    ctx.set('Location', `${ADMIN_API}/users/${encodeURIComponent(created.username)}`);
    ctx.body = created;
  });
  router.get('/users/:username', async (ctx) => {
    ctx.body = toView(await users.require(ctx.params.username!));
  });
  router.patch('/users/:username', async (ctx) => {
    const input = await body(ctx);
    ctx.body = await change(ctx, 'user update', 'user', () => users.update(ctx.params.username!, unchecked(input)));
  });
  router.put('/users/:username/password', async (ctx) => {
    const { password } = await body(ctx);
    await change(ctx, 'user set-password', 'user', () => users.setPassword(ctx.params.username!, typeof password === 'string' ? password : ''));
    ctx.status = 204;
  });
  for (const [path, disabled] of [['enable', false], ['disable', true]] as const) {
    router.post(`/users/:username/${path}`, async (ctx) => {
      ctx.body = await change(ctx, `user ${path}`, 'user', () => users.setDisabled(ctx.params.username!, disabled));
    });
  }
  router.get('/users/:username/consents', async (ctx) => {
    const user = await users.require(ctx.params.username!);
    ctx.body = { consents: await stores.consents.list(user.sub) };
  });
  router.delete('/users/:username/consents/:client', async (ctx) => {
    const revoke = async () => stores.consents.revoke((await users.require(ctx.params.username!)).sub, ctx.params.client!, String(ctx.state.actor));
    ctx.body = { revoked: await change(ctx, 'user revoke-consent', 'user', revoke) };
  });
  router.delete('/users/:username', async (ctx) => {
    await change(ctx, 'user delete', 'user', () => users.delete(ctx.params.username!));
    ctx.status = 204;
  });

  router.get('/scopes', async (ctx) => {
    ctx.body = { scopes: await stores.scopes.list() };
  });
  router.post('/scopes', async (ctx) => {
    const input = await body(ctx);
    const created = await change(ctx, `scope create ${String(input.id ?? '')}`, 'setting', () => stores.scopes.create(unchecked(input)));
    ctx.status = 201;
    ctx.set('Location', `${ADMIN_API}/scopes/${encodeURIComponent(created.id)}`);
    ctx.body = created;
  });
  router.get('/scopes/:id', async (ctx) => {
    ctx.body = await stores.scopes.require(ctx.params.id!);
  });
  router.patch('/scopes/:id', async (ctx) => {
    const input = await body(ctx);
    ctx.body = await change(ctx, `scope update ${ctx.params.id}`, 'setting', () => stores.scopes.update(ctx.params.id!, unchecked(input)));
  });
  router.delete('/scopes/:id', async (ctx) => {
    await change(ctx, `scope delete ${ctx.params.id}`, 'setting', () => stores.scopes.delete(ctx.params.id!));
    ctx.status = 204;
  });

  const keyring = () => {
    if (keysConfigured) throw new KeyError('the signing keys come from JWKS or JWKS_FILE: rotate them there');
    return stores.keyring;
  };
  router.get('/keys', async (ctx) => {
    ctx.body = { keys: await keyring().status() };
  });
  router.post('/keys/rotate', async (ctx) => {
    const { leadTime = 3600 } = await body(ctx);
    const lead = typeof leadTime === 'number' ? leadTime : Number.NaN;
    ctx.body = { keys: await change(ctx, `keys rotate lead=${String(leadTime)}s`, 'setting', () => keyring().rotate(lead * 1000)) };
  });
  router.post('/keys/:kid/retire', async (ctx) => {
    ctx.body = { keys: await change(ctx, `keys retire ${ctx.params.kid}`, 'setting', () => keyring().retire(ctx.params.kid!)) };
  });

  router.post('/registration-tokens', async (ctx) => {
    const { expiresIn = 86_400 } = await body(ctx);
    const seconds = typeof expiresIn === 'number' ? expiresIn : Number.NaN;
    ctx.status = 201;
    ctx.body = await change(ctx, `registration-token create expires-in=${String(expiresIn)}s`, 'setting', () => stores.registrationTokens.create(seconds));
  });

  router.get('/settings', async (ctx) => {
    ctx.body = await stores.providerSettings.read();
  });
  router.put('/settings/:key', async (ctx) => {
    const { value } = await body(ctx);
    const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
    ctx.body = await change(ctx, `settings set ${ctx.params.key}=${text}`, 'setting', () => stores.providerSettings.set(ctx.params.key!, text));
  });

  router.get('/export', async (ctx) => {
    ctx.body = await change(ctx, 'export', 'setting', () => stores.adminData.export());
  });
  router.post('/import', async (ctx) => {
    const replace = ctx.query.replace === 'true';
    const document = await readJson(ctx, IMPORT_LIMIT);
    ctx.body = { imported: await change(ctx, replace ? 'import --replace' : 'import', 'setting', () => stores.adminData.import(document, replace)) };
  });

  router.get('/admin-tokens', async (ctx) => {
    ctx.body = { tokens: await tokens.list() };
  });
  router.delete('/admin-tokens/:id', async (ctx) => {
    ctx.body = { revoked: await change(ctx, `admin-token revoke ${ctx.params.id}`, 'setting', () => tokens.revoke(ctx.params.id!)) };
  });

  router.get('/audit', async (ctx) => {
    const limit = Number(ctx.query.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new BodyError('limit: a whole number from 1 to 10000', 400);
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    ctx.body = { events: await audit.tail(limit, { user: text(ctx.query.user), client: text(ctx.query.client), type: text(ctx.query.type) as AuditType | undefined }) };
  });

  return router;
}
