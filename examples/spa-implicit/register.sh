#!/bin/sh
# Registers the implicit example's client; APP is the origin the example is served on.
APP=${APP:-http://localhost:4000}
# #region register
npx oidc-op client create --name "Implicit SPA" \
  --redirect-uri "$APP/" --redirect-uri "$APP/silent-renew.html" \
  --post-logout-redirect-uri "$APP/" \
  --response-type "id_token token" --json
# #endregion register
