/**
 * The provider session of the browser asking for the account page, read from oidc-provider's own signed session
 * cookie and its Session model: the account it is signed in to, when, and the session's handle ("this device").
 * A session whose account is disabled, or whose credentials changed after its sign-in, counts as none.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { UserRecord, Users } from '../accounts/users.js';

export interface CurrentSession {
  /** The session's id (its cookie's value): never shown, only its digest (accounts/sessions.ts sessionHandle). */
  id: string;
  uid: string;
  user: UserRecord;
  /** When the account signed in, Unix seconds. */
  loginTs: number;
}

export async function currentSession(ctx: Context, provider: Provider, users: Pick<Users, 'findActive'>): Promise<CurrentSession | undefined> {
  // oidc-provider signs its cookies with its own keys: read them through a context of its application.
  const cookies = provider.createContext(ctx.req, ctx.res).cookies;
  const id = cookies.get(provider.cookieName('session'), { signed: true });
  if (!id || id.length > 128) return undefined;
  const session = await provider.Session.find(id);
  if (!session?.accountId || typeof session.loginTs !== 'number') return undefined;
  const user = await users.findActive(session.accountId, session.loginTs);
  return user ? { id, uid: session.uid, user, loginTs: session.loginTs } : undefined;
}
