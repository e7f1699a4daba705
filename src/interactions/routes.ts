/**
 * The pages oidc-provider sends the browser to: login, account chooser, consent, and the POSTs that answer
 * them. Every POST needs the interaction cookie (checked by interactionDetails) and the CSRF token of its uid.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Provider } from 'oidc-provider';
import type { DeviceCookies } from '../accounts/device-cookies.js';
import type { LoginThrottle } from '../accounts/throttle.js';
import type { Users } from '../accounts/users.js';
import type { AuditLog } from '../audit/audit.js';
import type { LoginMetrics } from '../ops/metrics.js';
import { claimsConfiguration, grantSummary } from '../provider/claims.js';
import { PROTOCOL_CLAIMS } from '../oidc/claims.js';
import type { ScopeConfig } from '../config/settings.js';
import type { Csrf } from '../pages/csrf.js';
import type { Views } from '../pages/views.js';
import { abort } from './abort.js';
import { startAgainPage } from './expired.js';
import { finish } from './finish.js';
import { loader, StartAgain, type Interaction } from './load.js';
import { login } from './login.js';
import { renderer } from './render.js';

export interface InteractionDeps {
  /** The oidc-provider instance in service (it may be rebuilt while we run). */
  provider: { readonly current: Provider };
  audit: AuditLog;
  users: Users;
  throttle: LoginThrottle;
  /** Proof that a browser signed in to an account before: its attempts there are throttled on their own. */
  devices: DeviceCookies;
  views: Views;
  csrf: Csrf;
  /** The scopes in force now, with their consent texts. */
  scopes: () => readonly ScopeConfig[];
  metrics: LoginMetrics;
}

/** The claims a `claims` parameter names (oidc-provider has checked its form before saving the interaction). */
function requestedClaims(parameter: unknown): string[] {
  if (typeof parameter !== 'string') return [];
  const request = JSON.parse(parameter) as { id_token?: object; userinfo?: object };
  return [...new Set([...Object.keys(request.id_token ?? {}), ...Object.keys(request.userinfo ?? {})])];
}

export function interactionRoutes({ provider, audit, users, throttle, devices, views, csrf, scopes, metrics }: InteractionDeps): Router {
  const router = new Router({ prefix: '/interaction/:uid' });
  const loading = loader({ provider, csrf });
  const rendering = renderer({ provider, users, views, csrf });
  const { load, loadForPost } = loading;
  const { localeFor, page, clientOf, usernameOf, renderLogin } = rendering;

  /**
   * What the consent page asks for: the scopes and claims the grant is missing, or, when consent is asked again
   * with nothing missing (prompt=consent), everything the request asks for.
   */
  function asked(interaction: Interaction): { scopes: string[]; claims: string[] } {
    const details = interaction.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (details.missingOIDCScope || details.missingOIDCClaims) return { scopes: details.missingOIDCScope ?? [], claims: details.missingOIDCClaims ?? [] };
    const known = new Set(scopes().map((s) => s.id));
    const requested = String(interaction.params.scope ?? 'openid').split(' ').filter((id) => known.has(id));
    return { scopes: requested, claims: requestedClaims(interaction.params.claims) };
  }

  async function renderConsent(ctx: Context, interaction: Interaction) {
    const locale = localeFor(ctx, interaction);
    const client = await clientOf(interaction);
    const username = await usernameOf(interaction.session?.accountId);
    const vars = { user: username, client_name: client.name };
    const separator = locale.lang === 'zh-CN' ? '、' : ', ';
    const claimTexts = (claims: readonly string[]) => claims.map((claim) => locale.lookup(`claim.${claim}`) ?? claim).join(separator);
    const claimsByScope = claimsConfiguration(scopes());
    const { scopes: scopeIds, claims } = asked(interaction);
    const shown = scopeIds.map((id) => {
      const scope = scopes().find((s) => s.id === id);
      if (!scope) return { name: id, description: '', claims: '' };
      return { name: locale.text(scope.name, vars), description: locale.text(scope.description, vars), claims: claimTexts(claimsByScope[id] ?? scope.claims) };
    });
    // Claims asked for by name (the claims parameter) that no scope shown here already names.
    const covered = new Set(scopeIds.flatMap((id) => claimsByScope[id] ?? []));
    const released = new Set(Object.values(claimsByScope).flat());
    const more = claims.filter((claim) => released.has(claim) && !covered.has(claim) && !PROTOCOL_CLAIMS.has(claim));
    if (more.length) shown.push({ name: locale.t('consent.claims.name'), description: locale.t('consent.claims.description', { client: client.name }), claims: claimTexts(more) });
    page(ctx, 200, 'consent', locale, {
      title: locale.t('consent.title'),
      uid: interaction.uid,
      csrf: csrf.tokenFor(interaction.uid),
      client,
      username,
      scopes: shown,
    });
  }

  router.use(startAgainPage(rendering));

  router.get('/', async (ctx) => {
    const interaction = await load(ctx);
    const { prompt, session } = interaction;
    switch (prompt.name) {
      case 'select_account': {
        if (!session?.accountId) {
          await renderLogin(ctx, interaction);
          return;
        }
        if (interaction.params.skip_confirm === 'true') {
          await finish(ctx, interaction, { select_account: {} });
          return;
        }
        const locale = localeFor(ctx, interaction);
        page(ctx, 200, 'select-account', locale, {
          title: locale.t('select.title'),
          uid: interaction.uid,
          csrf: csrf.tokenFor(interaction.uid),
          client: await clientOf(interaction),
          username: await usernameOf(session.accountId),
        });
        return;
      }
      case 'login':
        await renderLogin(ctx, interaction);
        return;
      case 'consent':
        await renderConsent(ctx, interaction);
        return;
      default:
        throw new StartAgain(`no page for prompt ${prompt.name}`);
    }
  });

  router.post('/login', login({ load: loading, render: rendering, users, throttle, devices, audit, metrics }));

  router.post('/continue', async (ctx) => {
    const { interaction } = await loadForPost(ctx);
    if (interaction.prompt.name !== 'select_account') throw new StartAgain('not an account choice');
    await finish(ctx, interaction, { select_account: {} });
  });

  router.post('/switch', async (ctx) => {
    const { interaction } = await loadForPost(ctx);
    if (interaction.prompt.name !== 'select_account') throw new StartAgain('not an account choice');
    await renderLogin(ctx, interaction, 200, undefined, '');
  });

  router.post('/confirm', async (ctx) => {
    const { interaction } = await loadForPost(ctx);
    const { prompt, params, session, grantId } = interaction;
    if (prompt.name !== 'consent' || !session) throw new StartAgain('not a consent step');
    const details = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    const grant = grantId
      ? await provider.current.Grant.find(grantId)
      : new provider.current.Grant({ accountId: session.accountId, clientId: String(params.client_id) });
    if (!grant) throw new StartAgain('grant expired');
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
    const savedGrantId = await grant.save();
    // Exactly what the client may now receive: the grant's scopes and the claims it holds by name.
    const action = grantSummary(grant.getOIDCScope(), grant.getOIDCClaims());
    audit.record({ type: 'consent.given', outcome: 'success', user: session.accountId, client: String(params.client_id), ip: ctx.ip, action });
    await finish(ctx, interaction, { consent: { grantId: savedGrantId } });
  });

  router.post('/abort', abort({ load: loading }));

  return router;
}
