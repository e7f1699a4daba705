// The app's one UserManager: oidc-client-ts (the global oidc, loaded first) with the provider and client from /config.json.
/* global oidc */
const config = await (await fetch('/config.json')).json();

// #region settings
export const manager = new oidc.UserManager({
  authority: config.authority,
  client_id: config.client_id, // a public client: no secret in a browser
  redirect_uri: `${window.location.origin}/`,
  silent_redirect_uri: `${window.location.origin}/silent-renew.html`,
  post_logout_redirect_uri: `${window.location.origin}/`,
  response_type: 'code', // PKCE (S256) is on by default for code
  scope: 'openid profile email',
  loadUserInfo: true,
  userStore: new oidc.WebStorageStateStore({ store: window.sessionStorage }),
});
// #endregion settings
