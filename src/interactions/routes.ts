/**
 * The pages oidc-provider sends the browser to: login, account chooser, consent, and the POSTs that answer
 * them. Every POST needs the interaction cookie (checked by interactionDetails) and the CSRF token of its uid.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { errors, type InteractionResults, type Provider } from 'oidc-provider';
import type { Users } from '../accounts/users.js';
import { ACR_PASSWORD } from '../provider/configuration.js';
import { readForm } from '../http/form-body.js';
import type { Csrf } from './csrf.js';
import type { Views } from './views.js';

export interface InteractionDeps {
  provider: Provider;
  users: Users;
  views: Views;
  csrf: Csrf;
}

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

interface ClientView {
  name: string;
  uri?: string;
  logoUri?: string;
  policyUri?: string;
  tosUri?: string;
}

/** The interaction is gone or does not belong to this browser: nothing to do but start again. */
class StartAgain extends Error {}

export function interactionRoutes({ provider, users, views, csrf }: InteractionDeps): Router {
  const router = new Router({ prefix: '/interaction/:uid' });
  const { t } = views;

  const page = (ctx: Context, status: number, ...args: Parameters<Views['render']>) => {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = views.render(...args);
  };

  async function load(ctx: Context): Promise<Interaction> {
    let interaction: Interaction;
    try {
      interaction = await provider.interactionDetails(ctx.req, ctx.res);
    } catch (err) {
      if (err instanceof errors.SessionNotFound) throw new StartAgain(err.error_description);
      throw err;
    }
    if (interaction.uid !== ctx.params.uid) throw new StartAgain('interaction uid does not match its cookie');
    return interaction;
  }

  /** Loads the interaction a POST answers and checks its CSRF token; returns the form too. */
  async function loadForPost(ctx: Context): Promise<{ interaction: Interaction; form: URLSearchParams }> {
    const interaction = await load(ctx);
    const form = await readForm(ctx);
    if (!csrf.valid(interaction.uid, form.get('csrf'))) {
      ctx.throw(403, 'csrf', { page: { title: t('error.title'), message: t('error.csrf.message') } });
    }
    return { interaction, form };
  }

  async function clientOf(interaction: Interaction): Promise<ClientView> {
    const client = await provider.Client.find(String(interaction.params.client_id));
    return {
      name: client?.clientName ?? String(interaction.params.client_id),
      uri: client?.clientUri,
      logoUri: client?.logoUri,
      policyUri: client?.policyUri,
      tosUri: client?.tosUri,
    };
  }

  async function usernameOf(accountId: string | undefined): Promise<string> {
    return (accountId && (await users.findBySub(accountId))?.username) || '';
  }

  async function renderLogin(ctx: Context, interaction: Interaction, status = 200, error?: string, username?: string) {
    const hint = interaction.params.login_hint;
    page(ctx, status, 'login', {
      title: t('login.title'),
      uid: interaction.uid,
      csrf: csrf.tokenFor(interaction.uid),
      client: await clientOf(interaction),
      username: username ?? (typeof hint === 'string' ? hint : ''),
      error,
    });
  }

  const finish = (ctx: Context, result: InteractionResults, merge = true) =>
    provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });

  router.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!(err instanceof StartAgain)) throw err;
      page(ctx, 400, 'error', {
        title: t('error.expired.title'),
        message: t('error.expired.message'),
        code: 'interaction_expired',
      });
    }
  });

  router.get('/', async (ctx) => {
    const interaction = await load(ctx);
    const { prompt, session } = interaction;
    switch (prompt.name) {
      case 'select_account':
        if (session?.accountId && interaction.params.skip_confirm !== 'true') {
          page(ctx, 200, 'select-account', {
            title: t('select.title'),
            uid: interaction.uid,
            csrf: csrf.tokenFor(interaction.uid),
            client: await clientOf(interaction),
            username: await usernameOf(session.accountId),
          });
          return;
        }
        if (session?.accountId) {
          await finish(ctx, { select_account: {} });
          return;
        }
        await renderLogin(ctx, interaction);
        return;
      case 'login':
        await renderLogin(ctx, interaction);
        return;
      case 'consent': {
        const details = prompt.details as { missingOIDCScope?: string[] };
        const client = await clientOf(interaction);
        const username = await usernameOf(session?.accountId);
        const scopes = (details.missingOIDCScope ?? ['openid']).map((scope) => ({
          name: views.lookup(`scope.${scope}.name`) ?? scope,
          description: views.lookup(`scope.${scope}.description`, { user: username, client_name: client.name }) ?? '',
        }));
        page(ctx, 200, 'consent', {
          title: t('consent.title'),
          uid: interaction.uid,
          csrf: csrf.tokenFor(interaction.uid),
          client,
          username,
          scopes,
        });
        return;
      }
      default:
        throw new StartAgain(`no page for prompt ${prompt.name}`);
    }
  });

  router.post('/login', async (ctx) => {
    const { interaction, form } = await loadForPost(ctx);
    if (!['login', 'select_account'].includes(interaction.prompt.name)) throw new StartAgain('not a login step');
    const username = (form.get('username') ?? '').trim();
    const user = await users.verify(username, form.get('password') ?? '');
    if (!user) {
      await renderLogin(ctx, interaction, 400, t('login.invalid'), username);
      return;
    }
    const result: InteractionResults = {
      login: { accountId: user.sub, acr: ACR_PASSWORD, amr: ['pwd'], remember: true },
    };
    if (interaction.prompt.name === 'select_account') result.select_account = {};
    await finish(ctx, result);
  });

  router.post('/continue', async (ctx) => {
    const { interaction } = await loadForPost(ctx);
    if (interaction.prompt.name !== 'select_account') throw new StartAgain('not an account choice');
    await finish(ctx, { select_account: {} });
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
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: String(params.client_id) });
    if (!grant) throw new StartAgain('grant expired');
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
    await finish(ctx, { consent: { grantId: await grant.save() } });
  });

  router.post('/abort', async (ctx) => {
    await loadForPost(ctx);
    await finish(ctx, { error: 'access_denied', error_description: 'End-User aborted interaction' }, false);
  });

  return router;
}
