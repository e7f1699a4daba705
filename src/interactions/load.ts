/**
 * The first step of every interaction route: the interaction this browser's cookie names, checked against the uid
 * in the URL; for a POST also the form and the CSRF token of that uid. Anything wrong ends in StartAgain.
 */
import type { Context } from 'koa';
import { errors, type Provider } from 'oidc-provider';
import { readForm } from '../http/body.js';
import type { Csrf } from '../pages/csrf.js';

export type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** The interaction is gone or does not belong to this browser: nothing to do but start again. */
export class StartAgain extends Error {}

export interface LoadDeps {
  /** The oidc-provider instance in service (it may be rebuilt while we run). */
  provider: { readonly current: Provider };
  csrf: Pick<Csrf, 'valid'>;
}

export interface Loader {
  /** The interaction of this request, checked against its cookie (by interactionDetails) and its uid. */
  load(ctx: Context): Promise<Interaction>;
  /** Loads the interaction a POST answers and checks its CSRF token; returns the form too. */
  loadForPost(ctx: Context): Promise<{ interaction: Interaction; form: URLSearchParams }>;
}

export function loader({ provider, csrf }: LoadDeps): Loader {
  async function load(ctx: Context): Promise<Interaction> {
    let interaction: Interaction;
    try {
      interaction = await provider.current.interactionDetails(ctx.req, ctx.res);
    } catch (err) {
      if (err instanceof errors.SessionNotFound) throw new StartAgain(err.error_description);
      throw err;
    }
    if (interaction.uid !== ctx.params.uid) throw new StartAgain('interaction uid does not match its cookie');
    return interaction;
  }

  async function loadForPost(ctx: Context): Promise<{ interaction: Interaction; form: URLSearchParams }> {
    const interaction = await load(ctx);
    const form = await readForm(ctx);
    if (!csrf.valid(interaction.uid, form.get('csrf'))) {
      ctx.throw(403, 'csrf', { page: { title: 'error.title', message: 'error.csrf.message' } });
    }
    return { interaction, form };
  }

  return { load, loadForPost };
}
