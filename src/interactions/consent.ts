/**
 * The consent step: the page listing what the client asks for (scopes, and claims named by the claims parameter)
 * and POST /confirm, which adds it to the grant and records the consent.
 */
import type { RouterMiddleware } from '@koa/router';
import type { Context } from 'koa';
import type { Provider } from 'oidc-provider';
import type { AuditLog } from '../audit/audit.js';
import type { ScopeConfig } from '../config/scope-schema.js';
import { PROTOCOL_CLAIMS } from '../oidc/claims.js';
import { GROUPS_OVERAGE_CLAIM } from '../oidc/claim-names.js';
import type { Csrf } from '../pages/csrf.js';
import { claimsConfiguration, grantSummary } from '../provider/claims.js';
import { finish } from './finish.js';
import { StartAgain, type Interaction, type Loader } from './load.js';
import type { Renderer } from './render.js';

export interface ConsentDeps {
  provider: { readonly current: Provider };
  load: Pick<Loader, 'loadForPost'>;
  render: Pick<Renderer, 'localeFor' | 'page' | 'clientOf' | 'usernameOf'>;
  csrf: Pick<Csrf, 'tokenFor'>;
  /** The scopes in force now, with their consent texts. */
  scopes: () => readonly ScopeConfig[];
  audit: AuditLog;
}

export interface Consent {
  /** GET: the consent page. */
  show(ctx: Context, interaction: Interaction): Promise<void>;
  confirm: RouterMiddleware;
}

/** The claims a `claims` parameter names (oidc-provider has checked its form before saving the interaction). */
function requestedClaims(parameter: unknown): string[] {
  if (typeof parameter !== 'string') return [];
  const request = JSON.parse(parameter) as { id_token?: object; userinfo?: object };
  return [...new Set([...Object.keys(request.id_token ?? {}), ...Object.keys(request.userinfo ?? {})])];
}

export function consent({ provider, load, render, csrf, scopes, audit }: ConsentDeps): Consent {
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

  async function show(ctx: Context, interaction: Interaction) {
    const locale = render.localeFor(ctx, interaction);
    const client = await render.clientOf(interaction);
    const username = await render.usernameOf(interaction.session?.accountId);
    const vars = { user: username, client_name: client.name };
    const separator = locale.lang === 'zh-CN' ? '、' : ', ';
    const displays = scopes().flatMap((s) => Object.entries(s.display ?? {}));
    const displayOf = (claim: string) => displays.find(([name]) => name === claim)?.[1];
    const textOf = (claim: string) => {
      const display = displayOf(claim);
      return display ? locale.text(display, vars) : (locale.lookup(`claim.${claim}`) ?? locale.lookup(`claims.${claim}`) ?? claim);
    };
    const claimTexts = (claims: readonly string[]) => claims.filter((claim) => claim !== GROUPS_OVERAGE_CLAIM).map(textOf).join(separator);
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
    render.page(ctx, 200, 'consent', locale, {
      title: locale.t('consent.title'),
      uid: interaction.uid,
      csrf: csrf.tokenFor(interaction.uid),
      client,
      username,
      scopes: shown,
    });
  }

  const confirm: RouterMiddleware = async (ctx) => {
    const { interaction } = await load.loadForPost(ctx);
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
  };

  return { show, confirm };
}
