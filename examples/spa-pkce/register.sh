#!/bin/sh
# Registers the code + PKCE example's client; APP is the origin the example is served on.
APP=${APP:-http://localhost:4000}
# #region register
npx oidc-op client create --name "PKCE SPA" \
  --redirect-uri "$APP/" --redirect-uri "$APP/silent-renew.html" \
  --post-logout-redirect-uri "$APP/" \
  --response-type code --auth-method none --json
# #endregion register
