// The relying party's code: configuration from /config.json, everything OpenID Connect done by oidc-client.
/* global Oidc */
(async () => {
  const $ = (id) => document.getElementById(id);
  const show = (id, visible) => ($(id).hidden = !visible);
  const config = await (await fetch('/config.json')).json();
  const origin = window.location.origin;

  const manager = new Oidc.UserManager({
    authority: config.authority,
    client_id: config.client_id,
    redirect_uri: `${origin}/`,
    silent_redirect_uri: `${origin}/silent-renew.html`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'id_token token',
    scope: 'openid profile email',
    loadUserInfo: false,
    monitorSession: false,
    automaticSilentRenew: false,
    userStore: new Oidc.WebStorageStateStore({ store: window.sessionStorage }),
  });

  const decodeJwt = (jwt) => JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  let renewals = 0;

  async function render(user) {
    const signedIn = !!user && !user.expired;
    show('login', !signedIn);
    show('renew', signedIn);
    show('logout', signedIn);
    show('result', signedIn);
    if (!signedIn) {
      $('status').textContent = 'Not signed in.';
      return;
    }
    $('status').textContent = `Signed in as ${user.profile.sub}.`;
    $('id-token-claims').textContent = JSON.stringify(decodeJwt(user.id_token), null, 2);
    $('expires').textContent = new Date(user.expires_at * 1000).toISOString();
    $('renewals').textContent = String(renewals);
    // Userinfo is on the provider's origin: this call works because the provider answers CORS for our origin.
    const response = await fetch(await manager.metadataService.getUserInfoEndpoint(), {
      headers: { authorization: `Bearer ${user.access_token}` },
    });
    $('userinfo').textContent = JSON.stringify(await response.json(), null, 2);
  }

  function fail(err) {
    $('error').textContent = String(err && err.message ? err.message : err);
    show('error', true);
  }

  $('login').addEventListener('click', () => manager.signinRedirect({ state: { returnTo: '/' } }).catch(fail));
  $('renew').addEventListener('click', async () => {
    try {
      const user = await manager.signinSilent();
      renewals += 1;
      await render(user);
    } catch (err) {
      fail(err);
    }
  });
  $('logout').addEventListener('click', () => manager.signoutRedirect().catch(fail));

  try {
    if (/[#&](id_token|error)=/.test(window.location.hash)) {
      await manager.signinRedirectCallback();
      window.history.replaceState(null, '', '/');
    }
    await render(await manager.getUser());
  } catch (err) {
    fail(err);
    await render(null);
  }
})();
