/** GET /interaction/:uid: the page for the prompt oidc-provider stopped at (account chooser, login, second factor or consent). */
import type { RouterMiddleware } from '@koa/router';
import type { Chooser } from './chooser.js';
import type { Consent } from './consent.js';
import type { Federation } from './federation.js';
import { StartAgain, type Loader } from './load.js';
import type { Renderer } from './render.js';
import type { SecondFactor } from './second-factor.js';
import { pendingOf } from './second-factor-pending.js';
import { finish } from './finish.js';
import { UPSTREAM_PASSIVE } from '../provider/interaction-policy.js';

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
        // The client's prompt=none, for an upstream IdP it named: asked of it silently, and never a page of ours.
        const passive = interaction.prompt.reasons.includes(UPSTREAM_PASSIVE);
        const hinted = federation && (await federation.forHint(interaction));
        if (hinted) {
          const loginHint = interaction.params.login_hint;
          await federation.start(ctx, interaction, hinted.name, { skippedPage: true, ...(passive ? { passive } : {}), ...(typeof loginHint === 'string' ? { loginHint: loginHint.slice(0, 256) } : {}) });
          return;
        }
        // The IdP went away between the request and this page: what prompt=none answers without it.
        if (passive) return finish(ctx, interaction, { error: 'login_required', error_description: 'no upstream identity provider to ask without interaction' }, false);
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
