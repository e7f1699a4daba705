/** GET /interaction/:uid: the page for the prompt oidc-provider stopped at (account chooser, login, second factor or consent). */
import type { RouterMiddleware } from '@koa/router';
import type { Chooser } from './chooser.js';
import type { Consent } from './consent.js';
import type { Federation } from './federation.js';
import { StartAgain, type Loader } from './load.js';
import type { Renderer } from './render.js';
import type { SecondFactor } from './second-factor.js';
import { pendingOf } from './second-factor-pending.js';

export interface PromptPageDeps {
  load: Pick<Loader, 'load'>;
  render: Pick<Renderer, 'renderLogin'>;
  chooser: Pick<Chooser, 'show'>;
  consent: Pick<Consent, 'show'>;
  secondFactor: Pick<SecondFactor, 'show'>;
  /** The client named an upstream IdP (idp_hint, or a login_hint in its domain): our page is skipped. */
  federation?: Pick<Federation, 'forHint' | 'start'>;
}

export function promptPage({ load, render, chooser, consent, secondFactor, federation }: PromptPageDeps): RouterMiddleware {
  return async (ctx) => {
    const interaction = await load.load(ctx);
    // A first factor done (or a session asked to step up): the second factor's page, not the password again.
    const pending = pendingOf(interaction);
    if (pending) {
      await secondFactor.show(ctx, interaction, pending);
      return;
    }
    switch (interaction.prompt.name) {
      case 'select_account':
        await chooser.show(ctx, interaction);
        return;
      case 'login': {
        const hinted = federation && (await federation.forHint(interaction));
        if (hinted) {
          const loginHint = interaction.params.login_hint;
          await federation.start(ctx, interaction, hinted.name, { skippedPage: true, ...(typeof loginHint === 'string' ? { loginHint: loginHint.slice(0, 256) } : {}) });
          return;
        }
        await render.renderLogin(ctx, interaction);
        return;
      }
      case 'consent':
        await consent.show(ctx, interaction);
        return;
      default:
        throw new StartAgain(`no page for prompt ${interaction.prompt.name}`);
    }
  };
}
