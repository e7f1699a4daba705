// The code + PKCE single-page app: the same screens as the implicit example, the protocol done by oidc-client-ts.
import { manager } from './manager.js';

const $ = (id) => document.getElementById(id);

function render(user) {
  const signedIn = Boolean(user) && !user.expired;
  $('status').textContent = signedIn ? `Signed in as ${user.profile.sub}.` : 'Not signed in.';
  $('signin').hidden = signedIn;
  $('renew').hidden = !signedIn;
  $('signout').hidden = !signedIn;
  $('profile').hidden = !signedIn;
  $('profile').textContent = signedIn ? JSON.stringify(user.profile, null, 2) : '';
}

function showError(err) {
  // ErrorResponse from the provider: err.error and err.error_description; anything else: err.message.
  $('error').textContent = err.error ? `${err.error}: ${err.error_description ?? ''}` : err.message;
  $('error').hidden = false;
}

$('signin').addEventListener('click', () => manager.signinRedirect().catch(showError));
$('renew').addEventListener('click', async () => {
  try {
    render(await manager.signinSilent());
    $('status').dataset.renewed = String(Number($('status').dataset.renewed ?? 0) + 1);
  } catch (err) {
    showError(err);
    render(null);
  }
});
$('signout').addEventListener('click', () => manager.signoutRedirect().catch(showError));

// #region callback
const params = new URLSearchParams(window.location.search);
if (params.has('code') || params.has('error')) {
  try {
    // Checks state, redeems the code with the PKCE code_verifier at the token endpoint, validates the ID token.
    await manager.signinRedirectCallback();
  } catch (err) {
    showError(err);
  }
  window.history.replaceState(null, '', '/'); // the code leaves the address bar
}
// #endregion callback
render(await manager.getUser());
