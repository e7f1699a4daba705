/** Checks an access token the only way an opaque token can be checked: openid-client asks the provider's userinfo. */
import * as client from 'openid-client';

// #region openid-client
export async function userinfoClient(issuer: string, clientId: string) {
  const url = new URL(issuer);
  const config = await client.discovery(url, clientId, undefined, client.None(), {
    // Plain http only for a provider on localhost during development.
    execute: url.protocol === 'http:' ? [client.allowInsecureRequests] : [],
  });
  // Resolves to the user's claims; rejects when the provider refuses the token (expired, revoked, unknown).
  return (accessToken: string, expectedSub?: string) => client.fetchUserInfo(config, accessToken, expectedSub ?? client.skipSubjectCheck);
}
// #endregion openid-client
