/** The last step of an interaction route: its result saved on the interaction, and the browser sent back to oidc-provider. */
import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import { epochSeconds } from '../time.js';
import type { Interaction } from './load.js';

/**
 * oidc-provider's interactionFinished, on the interaction this request has loaded (and checked against its cookie
 * and uid): interactionFinished would verify the cookie and read the interaction and its session from Redis again.
 */
export async function finish(ctx: Context, interaction: Interaction, result: InteractionResults, merge = true): Promise<void> {
  interaction.result = merge && !('error' in result) ? { ...interaction.lastSubmission, ...result } : result;
  await interaction.save(interaction.exp - epochSeconds());
  ctx.status = 303;
  ctx.redirect(interaction.returnTo);
}
