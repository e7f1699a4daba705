/**
 * The provider session a console session was made from, read through oidc-provider's own models: the console lasts
 * only while that session does (a sign-out or its expiry there ends the console at its next request). Read by id,
 * one Redis read; by uid (two) only once the session has a new id, as it gets when it signs in again.
 */
import type Provider from 'oidc-provider';
import { CONSOLE_CLIENT_ID } from './console-client.js';

export interface ProviderSession {
  id: string;
  uid: string;
  accountId: string;
  /** When the account signed in (Unix seconds): what a credential change is compared with. */
  loginTs: number | undefined;
}

export interface ProviderSessions {
  /** The session behind an access token the console was just given. */
  ofAccessToken(token: string): Promise<ProviderSession | undefined>;
  /** The session, while it still holds the console's sign-in (a sign-out from the console alone removes it). */
  find(id: string, uid: string): Promise<ProviderSession | undefined>;
}

type Session = InstanceType<Provider['Session']>;

function consoleSignedIn(session: Session | undefined): ProviderSession | undefined {
  if (!session?.accountId || !session.authorizations?.[CONSOLE_CLIENT_ID]) return undefined;
  return { id: session.jti, uid: session.uid, accountId: session.accountId, loginTs: session.loginTs };
}

export function providerSessions(provider: () => Provider): ProviderSessions {
  return {
    async ofAccessToken(value) {
      const token = await provider().AccessToken.find(value);
      return token?.sessionUid ? consoleSignedIn(await provider().Session.findByUid(token.sessionUid)) : undefined;
    },
    async find(id, uid) {
      const byId = await provider().Session.find(id);
      if (byId?.uid === uid) return consoleSignedIn(byId);
      return consoleSignedIn(await provider().Session.findByUid(uid));
    },
  };
}
