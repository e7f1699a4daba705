/** GET /interaction/:uid: the page for the prompt oidc-provider stopped at (account chooser, login or consent). */
import type { RouterMiddleware } from '@koa/router';
import type { Chooser } from './chooser.js';
import type { Consent } from './consent.js';
import { StartAgain, type Loader } from './load.js';
import type { Renderer } from './render.js';

export interface PromptPageDeps {
  load: Pick<Loader, 'load'>;
  render: Pick<Renderer, 'renderLogin'>;
  chooser: Pick<Chooser, 'show'>;
  consent: Pick<Consent, 'show'>;
}

export function promptPage({ load, render, chooser, consent }: PromptPageDeps): RouterMiddleware {
  return async (ctx) => {
    const interaction = await load.load(ctx);
    switch (interaction.prompt.name) {
      case 'select_account':
        await chooser.show(ctx, interaction);
        return;
      case 'login':
        await render.renderLogin(ctx, interaction);
        return;
      case 'consent':
        await consent.show(ctx, interaction);
        return;
      default:
        throw new StartAgain(`no page for prompt ${interaction.prompt.name}`);
    }
  };
}
