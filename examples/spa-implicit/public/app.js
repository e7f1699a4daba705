// The implicit-flow single-page app: oidc-client (the global Oidc, loaded first) speaks OpenID Connect.
/* global Oidc */
const $ = (id) => document.getElementById(id);
const config = await (await fetch('/config.json')).json();

// #region settings
const manager = new Oidc.UserManager({
  authority: config.authority, // the issuer: oidc-client reads its discovery document
  client_id: config.client_id,
  redirect_uri: `${window.location.origin}/`,
  silent_redirect_uri: `${window.location.origin}/silent-renew.html`,
  post_logout_redirect_uri: `${window.location.origin}/`,
  response_type: 'id_token token',
  scope: 'openid profile email',
  loadUserInfo: true, // fetch userinfo with the access token and add its claims to user.profile
  monitorSession: false, // the provider has no check_session_iframe (OpenID Connect Session Management)
  userStore: new Oidc.WebStorageStateStore({ store: window.sessionStorage }),
});
// #endregion settings

function render(user) {
  const signedIn = Boolean(user) && !user.expired;
  $('status').textContent = signedIn ? `Signed in as ${user.profile.sub}.` : 'Not signed in.';
  $('signin').hidden = signedIn;
  $('renew').hidden = !signedIn;
  $('signout').hidden = !signedIn;
  $('profile').hidden = !signedIn;
  $('profile').textContent = signedIn ? JSON.stringify(user.profile, null, 2) : '';
}

// #region errors
function showError(err) {
  // From the provider: err.error is the code (access_denied, login_required…), err.error_description the text.
  // From oidc-client's own checks (state, nonce, signature, at_hash…): err.message says what failed.
  $('error').textContent = err.error ? `${err.error}: ${err.error_description ?? ''}` : err.message;
  $('error').hidden = false;
}
// #endregion errors

// #region signin
$('signin').addEventListener('click', () => manager.signinRedirect().catch(showError));
// #endregion signin

// #region renew
$('renew').addEventListener('click', async () => {
  try {
    render(await manager.signinSilent()); // prompt=none in a hidden iframe, answered by silent-renew.html
    $('status').dataset.renewed = String(Number($('status').dataset.renewed ?? 0) + 1);
  } catch (err) {
    showError(err); // login_required: the provider's session is gone
    render(null);
  }
});
// #endregion renew

// #region signout
$('signout').addEventListener('click', () => manager.signoutRedirect().catch(showError)); // id_token_hint and post_logout_redirect_uri
// #endregion signout

// #region callback
if (/[#&](id_token|error)=/.test(window.location.hash)) {
  try {
    // Checks state, the ID token's signature (keys from jwks_uri), iss, aud, exp, nonce and at_hash.
    await manager.signinRedirectCallback();
  } catch (err) {
    showError(err);
  }
  window.history.replaceState(null, '', '/'); // the tokens leave the address bar
}
// #endregion callback
render(await manager.getUser());
