/** POST /interaction/:uid/abort: the user declines; the client gets access_denied. */
import type { RouterMiddleware } from '@koa/router';
import { finish } from './finish.js';
import type { Loader } from './load.js';

export interface AbortDeps {
  load: Pick<Loader, 'loadForPost'>;
}

export function abort({ load }: AbortDeps): RouterMiddleware {
  return async (ctx) => {
    const { interaction } = await load.loadForPost(ctx);
    await finish(ctx, interaction, { error: 'access_denied', error_description: 'End-User aborted interaction' }, false);
  };
}
