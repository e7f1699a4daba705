/** The console assembled from the server's parts: its sealing key, its sign-in through this provider, its routes. */
import type Provider from 'oidc-provider';
import type { Csrf } from '../../pages/csrf.js';
import type { Views } from '../../pages/views.js';
import type { PrivateJwks } from '../../config/key-files.js';
import type { Settings } from '../../config/settings.js';
import type { AdminServices } from '../services.js';
import type { ProviderSettings } from '../../settings/provider-settings.js';
import { consoleSecret } from './console-client.js';
import { providerSessions } from './provider-session.js';
import { adminConsole } from './routes.js';
import { sealFollowing } from './seal.js';
import { consoleSignIn } from './sign-in.js';

export interface WebConsoleParts {
  settings: Settings;
  stores: AdminServices;
  views: Views;
  csrf: Csrf;
  /** The cookie keys in force now: they follow the stored ones. */
  cookieKeys: () => string[];
  /** The runtime settings in force (endpoint paths may move). */
  paths: () => ProviderSettings;
  jwks: () => PrivateJwks;
  /** The oidc-provider instance in service: its sessions are what console sessions are made from. */
  provider: () => Provider;
}

export function webConsole({ settings, stores, views, csrf, cookieKeys, paths, jwks, provider }: WebConsoleParts) {
  const signIn = consoleSignIn({
    issuer: settings.issuer,
    clientSecret: () => consoleSecret(cookieKeys()[0]!),
    idTokenSigningAlg: settings.idTokenSigningAlg,
    paths: () => ({ authorization: paths()['paths.authorization'], token: paths()['paths.token'], endSession: paths()['paths.end_session'] }),
    jwks,
  });
  return adminConsole({ issuer: settings.issuer, stores, views, csrf, seal: sealFollowing(cookieKeys), signIn, sessions: providerSessions(provider), keysConfigured: !!settings.jwks, defaultSigningAlg: settings.idTokenSigningAlg });
}
