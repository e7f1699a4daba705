// Runs in the hidden iframe oidc-client opens for prompt=none: hands the fragment back to the page.
/* global Oidc */
// #region silent-renew
new Oidc.UserManager({ response_mode: 'fragment' }).signinSilentCallback().catch((err) => console.error(err));
// #endregion silent-renew
