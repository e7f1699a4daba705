// Runs inside the hidden iframe oidc-client opens for prompt=none: hands the fragment back to the parent page.
new Oidc.UserManager({ response_mode: 'fragment' }).signinSilentCallback().catch((err) => console.error(err));
