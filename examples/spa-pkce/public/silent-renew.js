// Runs in the hidden iframe oidc-client-ts opens for prompt=none: hands the code back to the page, which redeems it.
import { manager } from './manager.js';

// #region silent-renew
await manager.signinSilentCallback();
// #endregion silent-renew
