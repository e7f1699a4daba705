#!/bin/sh
# Registers the Apache example's client; APP is the origin Apache serves the web app on.
APP=${APP:-http://localhost:8080}
# #region register
npx oidc-op client create --name "Apache web app" \
  --redirect-uri "$APP/protected/redirect_uri" \
  --post-logout-redirect-uri "$APP/" \
  --response-type id_token --response-type "id_token token" \
  --id-token-signed-response-alg RS256 --json
# #endregion register
