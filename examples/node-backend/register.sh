#!/bin/sh
# Registers the client whose tokens the backend accepts: the browser app's (APP is the app's origin).
APP=${APP:-http://localhost:4000}
# #region register
npx oidc-op client create --name "SPA with a backend" \
  --redirect-uri "$APP/" \
  --response-type "id_token token" --json
# #endregion register
