/** Upstream identity providers (OpenID Connect, SAML) in the admin API: list, define, show, change, delete, test; users' links; and their OpenAPI part. */
import type Router from '@koa/router';
import { readJson } from '../../http/body.js';
import { acsUrlOf, callbackUrlOf, spMetadataUrlOf, type IdpView } from '../../idps/idp-record.js';
import { testIdp } from '../../idps/idp-test.js';
import { IdpError } from '../../idps/idps.js';
import { toView } from '../../accounts/users.js';
import type { AdminServices } from '../services.js';
import { auditedChange, unchecked } from './change.js';
import { error, json, ok, ref, type ApiDoc } from './openapi-shapes.js';
import { ADMIN_API } from './prefix.js';

export type IdpServices = Pick<AdminServices, 'idps' | 'federatedAccounts' | 'audit'>;

/** What an administrator registers at the upstream: our redirect_uri (OIDC), or our SP metadata and ACS (SAML). */
export function idpUrls(issuer: string, idp: Pick<IdpView, 'name' | 'type'>): Record<string, string> {
  return idp.type === 'oidc' ? { redirect_uri: callbackUrlOf(issuer, idp.name) } : { sp_metadata_url: spMetadataUrlOf(issuer, idp.name), acs_url: acsUrlOf(issuer, idp.name) };
}

export function idpRoutes(router: Router, { idps, federatedAccounts, audit }: IdpServices, issuer: string): void {
  const change = auditedChange(audit);
  const shown = (i: IdpView) => ({ ...i, ...idpUrls(issuer, i) });
  router.get('/idps', async (ctx) => {
    ctx.body = { idps: (await idps.list()).map(shown) };
  });
  router.post('/idps', async (ctx) => {
    const input = await readJson(ctx);
    const created = await change(ctx, `idp create ${String(input.name ?? '').slice(0, 64)}`, 'setting', () => idps.create(input));
    ctx.status = 201;
    ctx.set('Location', `${ADMIN_API}/idps/${encodeURIComponent(created.name)}`);
    ctx.body = shown(created);
  });
  router.get('/idps/:name', async (ctx) => {
    ctx.body = shown(await idps.require(ctx.params.name!));
  });
  router.patch('/idps/:name', async (ctx) => {
    const input = await readJson(ctx);
    ctx.body = shown(await change(ctx, `idp update ${ctx.params.name}`, 'setting', () => idps.update(ctx.params.name!, unchecked(input))));
  });
  router.delete('/idps/:name', async (ctx) => {
    await change(ctx, `idp delete ${ctx.params.name}`, 'setting', async () => {
      const removed = await idps.delete(ctx.params.name!);
      await federatedAccounts.forgetIdp(removed.name);
      return removed;
    });
    ctx.status = 204;
  });
  router.post('/idps/:name/test', async (ctx) => {
    const idp = await idps.forSignIn(ctx.params.name!);
    if (!idp) throw new IdpError(`idp ${ctx.params.name}: not found`, 'not_found');
    ctx.body = await testIdp(idp);
  });
  router.delete('/users/:username/links/:idp', async (ctx) => {
    ctx.body = toView(await change(ctx, `user unlink ${ctx.params.username} from idp ${ctx.params.idp}`, 'user', () => federatedAccounts.unlink(ctx.params.username!, ctx.params.idp!)));
  });
}

export function idpsDoc(): ApiDoc {
  const strings = { type: 'array', items: { type: 'string' } };
  const name = [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }];
  return {
    schemas: {
      Idp: {
        type: 'object',
        required: ['name', 'type'],
        properties: {
          name: { type: 'string', description: 'letters, digits, . _ - (1 to 64); cannot be changed' },
          type: { enum: ['oidc', 'saml'], description: 'cannot be changed' },
          displayName: { description: 'the login page\'s "Continue with NAME": one text, or { en, zh-CN }', oneOf: [{ type: 'string' }, { type: 'object', properties: { en: { type: 'string' }, 'zh-CN': { type: 'string' } } }] },
          logoUrl: { type: 'string' },
          enabled: { type: 'boolean', default: true },
          domains: { ...strings, description: 'e-mail domains this IdP owns (home-realm discovery)' },
          linkByVerifiedEmail: { type: 'boolean', default: false, description: 'a first sign-in joins the local user with the upstream\'s verified e-mail' },
          trustEmail: { type: 'boolean', default: false, description: 'SAML only: the IdP vouches for its users\' e-mail addresses, so email_verified is true (linkByVerifiedEmail needs it)' },
          claimMap: { type: 'object', additionalProperties: { type: 'string' }, description: 'our claim → the upstream\'s claim or attribute name' },
          groupsClaim: { type: 'string', description: 'the upstream claim listing groups (default groups)' },
          order: { type: 'integer', default: 100 },
          oidc: {
            type: 'object',
            properties: {
              issuer: { type: 'string' },
              clientId: { type: 'string' },
              clientSecret: { type: 'string', writeOnly: true, description: 'never returned; sealed at rest with KEYS_ENCRYPTION_KEY' },
              clientSecretSet: { type: 'boolean', readOnly: true },
              scopes: { ...strings, default: ['openid', 'email', 'profile'] },
              useUserinfo: { type: 'boolean', default: false },
            },
          },
          saml: {
            type: 'object',
            description: 'see docs/upstream-saml.md; metadataXml (or the command line\'s --metadata-url) gives entityId, ssoUrl and certificates',
            properties: {
              metadataXml: { type: 'string', description: 'the IdP\'s metadata, at most 256 KiB' },
              metadataUrl: { type: 'string' },
              entityId: { type: 'string' },
              ssoUrl: { type: 'string' },
              certificates: { ...strings, description: 'PEM certificates the IdP signs with' },
              nameIdFormat: { type: 'string', description: 'the NameID format asked for (persistent unless set); null clears it' },
              subjectAttribute: { type: 'string', description: 'the attribute with the person\'s stable identifier, for an IdP that sends only a transient NameID; null clears it' },
            },
          },
          redirect_uri: { type: 'string', readOnly: true, description: 'OIDC: register it at the upstream' },
          sp_metadata_url: { type: 'string', readOnly: true },
          acs_url: { type: 'string', readOnly: true },
          createdAt: { type: 'string', readOnly: true },
          updatedAt: { type: 'string', readOnly: true },
        },
      },
      IdpTest: { type: 'object', properties: { ok: { type: 'boolean' }, steps: { type: 'array', items: { type: 'object', properties: { step: { type: 'string' }, ok: { type: 'boolean' }, detail: { type: 'string' } } } } } },
    },
    paths: {
      '/idps': {
        get: { summary: 'the upstream identity providers, in login page order', responses: { 200: ok('idps', { type: 'object', properties: { idps: { type: 'array', items: ref('Idp') } } }) } },
        post: { summary: 'define an upstream identity provider', requestBody: json(ref('Idp')), responses: { 201: ok('created', ref('Idp')), 400: error, 409: error } },
      },
      '/idps/{name}': {
        parameters: name,
        get: { summary: 'show an IdP (without its client secret)', responses: { 200: ok('the idp', ref('Idp')), 404: error } },
        patch: { summary: 'change an IdP; oidc and saml are merged field by field; null clears logoUrl, groupsClaim, saml.nameIdFormat, saml.subjectAttribute', requestBody: json(ref('Idp')), responses: { 200: ok('the idp', ref('Idp')), 400: error, 404: error } },
        delete: { summary: 'delete an IdP and its users\' links (the users stay)', responses: { 204: ok('deleted'), 404: error } },
      },
      '/idps/{name}/test': {
        parameters: name,
        post: { summary: 'OIDC: discovery and the JWKS reachable; SAML: the metadata parses', responses: { 200: ok('each step', ref('IdpTest')), 404: error } },
      },
      '/users/{username}/links/{idp}': {
        parameters: [{ name: 'username', in: 'path', required: true, schema: { type: 'string' } }, { name: 'idp', in: 'path', required: true, schema: { type: 'string' } }],
        delete: { summary: 'unlink the user\'s identity at an IdP (the user stays)', responses: { 200: ok('the user', ref('User')), 404: error } },
      },
    },
  };
}
