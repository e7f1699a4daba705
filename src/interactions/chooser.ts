/**
 * The account chooser (prompt select_account): its page, POST /continue with the signed-in account and
 * POST /switch to the login form for another one.
 */
import type { RouterMiddleware } from '@koa/router';
import type { Context } from 'koa';
import type { Csrf } from '../pages/csrf.js';
import { finish } from './finish.js';
import { StartAgain, type Interaction, type Loader } from './load.js';
import type { Renderer } from './render.js';

export interface ChooserDeps {
  load: Pick<Loader, 'loadForPost'>;
  render: Pick<Renderer, 'localeFor' | 'page' | 'clientOf' | 'usernameOf' | 'renderLogin'>;
  csrf: Pick<Csrf, 'tokenFor'>;
}

export interface Chooser {
  /** GET: the login form without a session, straight on with skip_confirm=true, else the chooser page. */
  show(ctx: Context, interaction: Interaction): Promise<void>;
  continueAs: RouterMiddleware;
  switchAccount: RouterMiddleware;
}

export function chooser({ load, render, csrf }: ChooserDeps): Chooser {
  async function show(ctx: Context, interaction: Interaction) {
    const { session } = interaction;
    if (!session?.accountId) {
      await render.renderLogin(ctx, interaction);
      return;
    }
    if (interaction.params.skip_confirm === 'true') {
      await finish(ctx, interaction, { select_account: {} });
      return;
    }
    const locale = render.localeFor(ctx, interaction);
    render.page(ctx, 200, 'select-account', locale, {
      title: locale.t('select.title'),
      uid: interaction.uid,
      csrf: csrf.tokenFor(interaction.uid),
      client: await render.clientOf(interaction),
      username: await render.usernameOf(session.accountId),
    });
  }

  const continueAs: RouterMiddleware = async (ctx) => {
    const { interaction } = await load.loadForPost(ctx);
    if (interaction.prompt.name !== 'select_account') throw new StartAgain('not an account choice');
    await finish(ctx, interaction, { select_account: {} });
  };

  const switchAccount: RouterMiddleware = async (ctx) => {
    const { interaction } = await load.loadForPost(ctx);
    if (interaction.prompt.name !== 'select_account') throw new StartAgain('not an account choice');
    await render.renderLogin(ctx, interaction, 200, undefined, '');
  };

  return { show, continueAs, switchAccount };
}
