/** The console assembled from the server's parts: its sealing key, its sign-in through this provider, its routes. */
import type { Csrf } from '../../interactions/csrf.js';
import type { Views } from '../../interactions/views.js';
import type { PrivateJwks, Settings } from '../../settings.js';
import type { Stores } from '../../stores.js';
import type { ProviderSettings } from '../provider-settings.js';
import { consoleSecret } from './console-client.js';
import { adminConsole } from './routes.js';
import { sealWith } from './seal.js';
import { consoleSignIn } from './sign-in.js';

export interface WebConsoleParts {
  settings: Settings;
  stores: Stores;
  views: Views;
  csrf: Csrf;
  cookieKeys: string[];
  /** The runtime settings in force (endpoint paths may move). */
  paths: () => ProviderSettings;
  jwks: () => PrivateJwks;
}

export function webConsole({ settings, stores, views, csrf, cookieKeys, paths, jwks }: WebConsoleParts) {
  const signIn = consoleSignIn({
    issuer: settings.issuer,
    clientSecret: consoleSecret(cookieKeys[0]!),
    idTokenSigningAlg: settings.idTokenSigningAlg,
    paths: () => ({ authorization: paths()['paths.authorization'], token: paths()['paths.token'], endSession: paths()['paths.end_session'] }),
    jwks,
  });
  return adminConsole({ issuer: settings.issuer, stores, views, csrf, seal: sealWith(cookieKeys), signIn, keysConfigured: !!settings.jwks, defaultSigningAlg: settings.idTokenSigningAlg });
}
