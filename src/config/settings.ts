/**
 * Assembles the typed, validated Settings from the environment and the config directory: the one place that reads
 * process.env and config/ (through the modules beside it). A bad value throws SettingsError naming the variable (or
 * file and field) and the rule it broke.
 */
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBranding, type Branding } from './branding.js';
import type { ClientConfig } from './client-schema.js';
import { parseEnv } from './env.js';
import { cliTokenFile, readBootstrapAdmin, type BootstrapAdmin } from './first-contact.js';
import { readClients, readDemo, readScopes, shown } from './files.js';
import { withDemoCallback } from './demo-callback.js';
import type { SigningAlg } from './id-token-algs.js';
import { readCookieKeys, readJwks, readKeysEncryptionKey, type PrivateJwks } from './key-files.js';
import type { RedisSettings } from './redis-settings.js';
import type { ScopeConfig } from './scope-schema.js';
import { SettingsError } from './settings-error.js';
import type { UserConfig } from './user-schema.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Settings {
  env: 'development' | 'production' | 'test';
  production: boolean;
  issuer: string;
  port: number;
  host: string;
  proxy: boolean;
  /** undefined: the embedded in-memory store (development only). */
  redis: RedisSettings | undefined;
  ttl: {
    accessToken: number;
    idToken: number;
    authorizationCode: number;
    interaction: number;
    session: number;
    grant: number;
    registrationAccessToken: number;
  };
  /** New interactions (sign-ins needing a page) one address may start per window; registrations per address and per initial access token. */
  limits: {
    interactions: { limit: number; windowSeconds: number };
    registrations: { limit: number; windowSeconds: number };
  };
  /** Node's HTTP server bounds: slow or idle sockets are closed, connections beyond the cap are dropped. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; maxConnections: number };
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  idTokenSigningAlg: SigningAlg;
  /** Configured signing keys; undefined means generate (and keep in Redis) — refused in production. */
  jwks: PrivateJwks | undefined;
  /** Configured cookie keys; undefined means generate (and keep in Redis) — refused in production. */
  cookieKeys: string[] | undefined;
  /** 32 bytes that encrypt the generated keys kept in Redis; production needs it unless JWKS and COOKIE_KEYS are given. */
  keysEncryptionKey: Uint8Array | undefined;
  /** Declarative clients from config/clients.json. */
  clients: ClientConfig[];
  /** Consent texts and claims of each scope, from config/scopes.json. */
  scopes: ScopeConfig[];
  branding: Branding;
  /** Where the clients and demo files were read from, as error messages name them. */
  sources: { clients: string; demo: string };
  /** Whether GET / is the landing page (links to discovery, the demo, the console, the docs); else it is a 404. */
  landingPage: boolean;
  /** Demo clients and users: the embedded default and the compose stack only. */
  demo: { clients: ClientConfig[]; users: UserConfig[] } | undefined;
  logLevel: string;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** How often each instance re-reads the runtime settings an administrator may change. */
  settingsRefreshMs: number;
  /** Server processes on this host (node:cluster); more than one needs Redis. */
  workers: number;
  /** The first administrator, created at start only when no administrator exists. */
  bootstrapAdmin: BootstrapAdmin | undefined;
  /** The in-memory development server's address and token for the command line (absolute path). */
  cliTokenFile: string;
}

/**
 * Builds Settings from an environment (process.env by default) and the config directory.
 * Pure apart from reading the files the environment names.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const e = parseEnv(env);
  const production = e.NODE_ENV === 'production';
  const configDir = resolve(e.CONFIG_DIR ?? join(projectRoot, 'config'));

  if (e.REDIS_SENTINELS && e.REDIS_CLUSTER_NODES) {
    throw new SettingsError('REDIS_SENTINELS and REDIS_CLUSTER_NODES: set one of them, not both');
  }
  let redis: RedisSettings | undefined;
  const keyPrefix = e.REDIS_KEY_PREFIX;
  const timeouts = { commandMs: e.REDIS_COMMAND_TIMEOUT_MS, connectMs: e.REDIS_CONNECT_TIMEOUT_MS };
  // With Sentinel or Cluster, REDIS_URL may still carry credentials and TLS (rediss://) for every node.
  if (e.REDIS_SENTINELS) redis = { mode: 'sentinel', sentinels: e.REDIS_SENTINELS, name: e.REDIS_SENTINEL_NAME, url: e.REDIS_URL, keyPrefix, timeouts };
  else if (e.REDIS_CLUSTER_NODES) redis = { mode: 'cluster', nodes: e.REDIS_CLUSTER_NODES, url: e.REDIS_URL, keyPrefix, timeouts };
  else if (e.REDIS_URL) redis = { mode: 'standalone', url: e.REDIS_URL, keyPrefix, timeouts };

  const jwks = readJwks(e);
  const cookieKeys = readCookieKeys(e);
  const keysEncryptionKey = readKeysEncryptionKey(e);
  const clients = readClients(configDir);
  const scopes = readScopes(configDir);
  const branding = readBranding(configDir);

  // The demo data is for a first look (no Redis) and for the compose stack (DEMO=true); never for production.
  const demoWanted = e.DEMO ?? (redis === undefined && !production);
  const issuer = (e.ISSUER ?? `http://localhost:${e.PORT === 0 ? 3000 : e.PORT}`).replace(/\/+$/, '');

  if (production) {
    const refusals: string[] = [];
    if (!redis) refusals.push('REDIS_URL (or REDIS_SENTINELS / REDIS_CLUSTER_NODES) is required: the in-memory store loses everything on restart');
    // Generated keys live in Redis: in production only encrypted (KEYS_ENCRYPTION_KEY), never in plain text.
    if (!jwks && !keysEncryptionKey) refusals.push('JWKS or JWKS_FILE, or KEYS_ENCRYPTION_KEY (to keep generated, rotatable keys encrypted in Redis), is required');
    if (!cookieKeys && !keysEncryptionKey) refusals.push('COOKIE_KEYS or COOKIE_KEYS_FILE, or KEYS_ENCRYPTION_KEY (to keep generated cookie keys encrypted in Redis), is required');
    if (demoWanted) refusals.push('DEMO must be off: demo users and clients have published passwords');
    if (!issuer.startsWith('https://')) refusals.push('ISSUER must be an https URL');
    if (refusals.length) throw new SettingsError(`NODE_ENV=production refuses to start: ${refusals.join('; ')}`);
  }

  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new SettingsError(`HTTP_HEADERS_TIMEOUT_MS: at most HTTP_REQUEST_TIMEOUT_MS (${e.HTTP_REQUEST_TIMEOUT_MS}): the headers are part of the request`);
  }

  const workers = e.WORKERS === 'auto' ? availableParallelism() : e.WORKERS;
  if (workers > 1 && !redis) {
    throw new SettingsError(`WORKERS=${e.WORKERS}: more than one worker needs Redis (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES); the in-memory store is not shared between processes`);
  }

  // Read only when wanted: with the demo off, demo.json need not exist.
  const demoFiles = demoWanted ? readDemo(configDir, clients) : undefined;
  // The demo clients also return to the provider's own callback page (config/demo-callback.ts).
  const demo = demoFiles && { ...demoFiles, clients: demoFiles.clients.map((client) => withDemoCallback(client, issuer)) };

  return {
    env: e.NODE_ENV,
    production,
    issuer,
    port: e.PORT,
    host: e.HOST,
    proxy: e.PROXY,
    redis,
    ttl: {
      accessToken: e.TTL_ACCESS_TOKEN,
      idToken: e.TTL_ID_TOKEN,
      authorizationCode: e.TTL_AUTHORIZATION_CODE,
      interaction: e.TTL_INTERACTION,
      session: e.TTL_SESSION,
      grant: e.TTL_GRANT,
      registrationAccessToken: e.TTL_REGISTRATION_ACCESS_TOKEN,
    },
    limits: {
      interactions: { limit: e.INTERACTION_RATE_LIMIT, windowSeconds: e.INTERACTION_RATE_WINDOW },
      registrations: { limit: e.REGISTRATION_RATE_LIMIT, windowSeconds: e.REGISTRATION_RATE_WINDOW },
    },
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    argon2: { memoryCost: e.ARGON2_MEMORY_KIB, timeCost: e.ARGON2_TIME_COST, parallelism: e.ARGON2_PARALLELISM },
    idTokenSigningAlg: e.ID_TOKEN_SIGNING_ALG,
    jwks,
    cookieKeys,
    keysEncryptionKey,
    clients,
    scopes,
    branding,
    sources: { clients: shown(join(configDir, 'clients.json')), demo: shown(join(configDir, 'demo.json')) },
    demo,
    landingPage: e.LANDING_PAGE ?? !production,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    settingsRefreshMs: e.SETTINGS_REFRESH_MS,
    workers,
    bootstrapAdmin: readBootstrapAdmin(e),
    cliTokenFile: cliTokenFile(e),
  };
}
