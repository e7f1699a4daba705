/** The admin token check in front of every admin API call but the OpenAPI document, and the actor it names. */
import type { Context, Next } from 'koa';
import type { AdminTokens } from '../../accounts/admin-tokens.js';

/** A Bearer admin token, or 401; the token's name becomes the actor of what the call changes. */
export function adminAuth(tokens: AdminTokens) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const header = ctx.get('authorization');
    const token = /^Bearer (\S+)$/i.exec(header)?.[1];
    const admin = token ? await tokens.verify(token) : undefined;
    if (!admin) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer realm="admin"');
      ctx.body = { error: 'unauthorized', message: 'an admin token is required (oidc-op admin-token create)' };
      return;
    }
    ctx.state.actor = `token:${admin.name}`;
    await next();
  };
}

/** Who is calling, as the audit trail records it: `token:<name>`. */
export const actorOf = (ctx: Context): string => String(ctx.state.actor);

export const bearerScheme = { type: 'http', scheme: 'bearer', description: 'an admin token from `oidc-op admin-token create`' };
