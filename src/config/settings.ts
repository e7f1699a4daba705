/**
 * The one reader of process.env and config/. Everything else receives a typed, validated Settings.
 * A bad value throws SettingsError naming the variable (or file and field) and the rule it broke.
 */
import { AppError } from '../errors.js';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { subSchema } from '../oidc/subject.js';

/** A bad configuration: the message names the variable (or file and field) and the rule it broke. */
export class SettingsError extends AppError {
  override name = 'SettingsError';

  constructor(message: string) {
    super('invalid', message);
  }
}

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The ID token algorithms this provider signs (a key for each is generated; a configured JWKS may hold fewer). */
export const SIGNING_ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

// Plain decimal digits only: Number() would also take '', '0x50' or '1e3'.
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `at least ${min}`).max(max, `at most ${max}`));
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const hostPort = z
  .string()
  .regex(/^[^\s:,]+:\d{1,5}$/, 'expected host:port')
  .transform((v) => {
    const at = v.lastIndexOf(':');
    return { host: v.slice(0, at), port: Number(v.slice(at + 1)) };
  })
  .refine(({ port }) => port >= 1 && port <= 65535, 'port must be 1 to 65535');
const hostPortList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(hostPort).min(1, 'expected at least one host:port'));
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    const parsed = URL.parse(v);
    return parsed !== null && protocols.includes(parsed.protocol);
  }, `expected an absolute ${protocols.map((p) => p.slice(0, -1)).join(' or ')} URL`);

/** How long a command waits for its reply, and a connection for its TCP handshake (a hung Redis answers neither). */
export interface RedisTimeouts {
  commandMs: number;
  connectMs: number;
}

export const REDIS_TIMEOUT_DEFAULTS: RedisTimeouts = { commandMs: 2000, connectMs: 5000 };

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  ISSUER: url(['http:', 'https:'])
    .refine((v) => !v.includes('?') && !v.includes('#'), 'the issuer has no query or fragment')
    .optional(),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PROXY: bool.default(false),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_SENTINELS: hostPortList.optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).default('mymaster'),
  REDIS_CLUSTER_NODES: hostPortList.optional(),
  REDIS_KEY_PREFIX: z.string().regex(/^[\w:.-]*$/, 'letters, digits, _ : . - only').default(''),
  REDIS_COMMAND_TIMEOUT_MS: int(100, 60_000).default(REDIS_TIMEOUT_DEFAULTS.commandMs),
  REDIS_CONNECT_TIMEOUT_MS: int(100, 60_000).default(REDIS_TIMEOUT_DEFAULTS.connectMs),
  DEMO: bool.optional(),
  TTL_ACCESS_TOKEN: int(60, 86400).default(3600),
  TTL_ID_TOKEN: int(60, 86400).default(3600),
  TTL_AUTHORIZATION_CODE: int(10, 600).default(60),
  // A sign-in takes minutes; every interaction started is a record kept this long (the flood bound multiplies by it).
  TTL_INTERACTION: int(60, 3600).default(600),
  TTL_SESSION: int(300, 365 * 86400).default(14 * 86400),
  TTL_GRANT: int(300, 365 * 86400).default(14 * 86400),
  // Rotated (and so renewed) on every update of the registration; a client idle longer loses management only.
  TTL_REGISTRATION_ACCESS_TOKEN: int(3600, 365 * 86400).default(30 * 86400),
  INTERACTION_RATE_LIMIT: int(1, 100_000).default(30),
  INTERACTION_RATE_WINDOW: int(1, 3600).default(60),
  REGISTRATION_RATE_LIMIT: int(1, 100_000).default(10),
  REGISTRATION_RATE_WINDOW: int(1, 86400).default(3600),
  HTTP_HEADERS_TIMEOUT_MS: int(100, 600_000).default(20_000),
  HTTP_REQUEST_TIMEOUT_MS: int(100, 3_600_000).default(60_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(100, 600_000).default(65_000),
  HTTP_MAX_CONNECTIONS: int(1, 1_000_000).default(4096),
  // OWASP lists equivalent argon2id sets from 46 MiB with t=1 down to 7 MiB with t=5. The default is the last: the
  // same defence, the least CPU per login on the benchmark machine (~21 ms against ~27 for 19 MiB with t=2: the
  // larger block misses the cache more), and the least memory held by concurrent logins. 7 MiB is also the floor.
  ARGON2_MEMORY_KIB: int(7 * 1024, 4 * 1024 * 1024).default(7 * 1024),
  ARGON2_TIME_COST: int(1, 20).default(5),
  ARGON2_PARALLELISM: int(1, 16).default(1),
  ID_TOKEN_SIGNING_ALG: z.enum(SIGNING_ALGS).default('RS256'),
  JWKS: z.string().optional(),
  JWKS_FILE: z.string().optional(),
  COOKIE_KEYS: z.string().optional(),
  COOKIE_KEYS_FILE: z.string().optional(),
  KEYS_ENCRYPTION_KEY: z.string().optional(),
  KEYS_ENCRYPTION_KEY_FILE: z.string().optional(),
  CONFIG_DIR: z.string().optional(),
  SETTINGS_REFRESH_MS: int(100, 60_000).default(2000),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  WORKERS: z.union([z.literal('auto'), int(1, 256)], { error: "expected a whole number from 1 to 256, or 'auto' (one per core)" }).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Every variable this module reads (`.env.example` lists the same, a test keeps them equal). */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

const privateJwk = z
  .object({ kty: z.enum(['RSA', 'EC', 'OKP']), kid: z.string().min(1), d: z.string().min(1) })
  .loose();
const jwksSchema = z.object({ keys: z.array(privateJwk).min(1, 'at least one private signing key') });
export type PrivateJwks = z.infer<typeof jwksSchema>;

const cookieKeysSchema = z
  .array(z.string().min(32, 'each cookie key has at least 32 characters'))
  .min(1, 'at least one cookie key');

const redirectUri = z
  .string()
  .refine((v) => URL.parse(v) !== null, 'must be an absolute URL')
  .refine((v) => !v.includes('#'), 'must not contain a fragment')
  .refine((v) => !v.includes('*'), 'must not contain wildcards');

// Shown as links on the consent page: http(s) only, never javascript: or data:.
const webUrl = url(['http:', 'https:']);

/** A text in one language for all, or per language (en required, as the fallback). */
const localizedText = (max: number) =>
  z.union([
    z.string().trim().min(1).max(max),
    z.object({ en: z.string().trim().min(1).max(max), 'zh-CN': z.string().trim().min(1).max(max).optional() }).strict(),
  ]);
export type LocalizedText = z.infer<ReturnType<typeof localizedText>>;

/** RFC 6749 3.3 scope-token characters. */
const scopeToken = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/, 'a scope token (printable ASCII, no space, quote or backslash)');

export const scopeConfigSchema = z
  .object({
    id: scopeToken,
    name: localizedText(80),
    description: localizedText(300),
    claims: z.array(z.string().regex(/^\w{1,64}$/, 'a claim name')).default([]),
  })
  .strict();
export type ScopeConfig = z.infer<typeof scopeConfigSchema>;

/** WCAG 2.x contrast ratio of a #rrggbb colour against white. */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
}

const LOGO_TYPES = { '.png': 'image/png', '.svg': 'image/svg+xml', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' } as const;

const brandingSchema = z
  .object({
    productName: localizedText(60).default('Sign-in'),
    logo: z
      .string()
      .regex(/^[\w./-]+\.(png|svg|jpe?g|webp)$/i, 'a .png, .svg, .jpg or .webp file in the config directory')
      .refine((v) => !v.split('/').includes('..'), 'inside the config directory')
      .optional(),
    primaryColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb')
      .superRefine((c, ctx) => {
        const ratio = contrastWithWhite(c);
        if (ratio < 4.5) ctx.addIssue({ code: 'custom', message: `white text on ${c} has contrast ${ratio.toFixed(2)}:1; WCAG AA needs 4.5:1` });
      })
      .default('#1f5fbf'),
    footerLinks: z
      .array(z.object({ label: localizedText(40), href: url(['http:', 'https:']) }).strict())
      .max(6)
      .default([]),
  })
  .strict();

export interface Branding {
  productName: LocalizedText;
  logo: { file: string; contentType: string } | undefined;
  primaryColor: string;
  footerLinks: { label: LocalizedText; href: string }[];
}

export const RESPONSE_TYPES = ['id_token', 'id_token token', 'code'] as const;

/** A client as config files declare it: oidc-provider metadata, checked for the fields we rely on. */
export const clientConfigSchema = z
  .object({
    client_id: z.string().min(1).max(128),
    client_name: z.string().min(1).max(200).optional(),
    client_secret: z.string().min(32, 'a client secret has at least 32 characters').optional(),
    redirect_uris: z.array(redirectUri).min(1, 'at least one redirect URI'),
    post_logout_redirect_uris: z.array(redirectUri).optional(),
    response_types: z.array(z.enum(RESPONSE_TYPES)).min(1),
    grant_types: z.array(z.enum(['implicit', 'authorization_code', 'refresh_token'])).optional(),
    token_endpoint_auth_method: z.enum(['none', 'client_secret_basic', 'client_secret_post']).default('none'),
    scope: z.string().optional(),
    logo_uri: webUrl.optional(),
    client_uri: webUrl.optional(),
    policy_uri: webUrl.optional(),
    tos_uri: webUrl.optional(),
    first_party: z.boolean().optional(),
    always_select_account: z.boolean().optional(),
    access_token_ttl: z.number().int().min(60).max(86_400).optional(),
    id_token_ttl: z.number().int().min(60).max(86_400).optional(),
    id_token_signed_response_alg: z.enum(SIGNING_ALGS, { error: `one of ${SIGNING_ALGS.join(', ')}` }).optional(),
  })
  .strict();
export type ClientConfig = z.infer<typeof clientConfigSchema>;

export const userConfigSchema = z
  .object({
    sub: subSchema,
    username: z.string().min(1).max(128),
    password: z.string().min(1),
    claims: z.record(z.string(), z.unknown()).default({}),
    /** admin: may use the web console (/admin). */
    role: z.enum(['user', 'admin']).optional(),
  })
  .strict();
export type UserConfig = z.infer<typeof userConfigSchema>;

const demoSchema = z
  .object({
    clients: z.array(clientConfigSchema).default([]),
    users: z.array(userConfigSchema).default([]),
  })
  .strict();

/** `timeouts` left out (tests, benchmarks): REDIS_TIMEOUT_DEFAULTS. */
export type RedisSettings = { keyPrefix: string; timeouts?: RedisTimeouts } & (
  | { mode: 'standalone'; url: string }
  | { mode: 'sentinel'; sentinels: { host: string; port: number }[]; name: string; url?: string }
  | { mode: 'cluster'; nodes: { host: string; port: number }[]; url?: string }
);

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
  /** Demo clients and users: the embedded default and the compose stack only. */
  demo: { clients: ClientConfig[]; users: UserConfig[] } | undefined;
  logLevel: string;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** How often each instance re-reads the runtime settings an administrator may change. */
  settingsRefreshMs: number;
  /** Server processes on this host (node:cluster); more than one needs Redis. */
  workers: number;
}

function issuesText(error: z.ZodError, where: (path: PropertyKey[]) => string): string {
  return error.issues.map((i) => `${where(i.path)}: ${i.message}`).join('; ');
}

function jsonPath(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(root)';
}

function readJsonFile(file: string, label: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SettingsError(`${label}: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`${label}: ${file} is not valid JSON (${(err as Error).message})`);
  }
}

function readTextFile(file: string, label: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new SettingsError(`${label}: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
  }
}

/** 32 random bytes in base64 or base64url (`openssl rand -base64 32`): the A256GCM key of the keys kept in Redis. */
function encryptionKey(text: string, label: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed) || bytes.length !== 32) {
    throw new SettingsError(`${label}: expected 32 random bytes in base64 (44 characters, as \`openssl rand -base64 32\` prints) or base64url (43)`);
  }
  return new Uint8Array(bytes);
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, label: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new SettingsError(issuesText(result.error, (path) => `${label} ${jsonPath(path)}`));
  }
  return result.data;
}

function parseJsonText<T>(schema: z.ZodType<T>, text: string, label: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`${label}: not valid JSON (${(err as Error).message})`);
  }
  return parseWith(schema, value, label);
}

function uniqueClientIds(clients: ClientConfig[], label: string): void {
  const seen = new Set<string>();
  clients.forEach((c, i) => {
    if (seen.has(c.client_id)) throw new SettingsError(`${label} [${i}].client_id: duplicate client_id ${c.client_id}`);
    seen.add(c.client_id);
  });
}

/**
 * Builds Settings from an environment (process.env by default) and the config directory.
 * Pure apart from reading the files the environment names.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  // An empty variable (PORT= in a compose file) means unset, not an empty value.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    throw new SettingsError(`invalid environment: ${issuesText(parsed.error, (path) => String(path[0]))}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const configDir = resolve(e.CONFIG_DIR ?? join(projectRoot, 'config'));
  // Paths inside the working directory read best relative (config/clients.json); others stay absolute.
  const shown = (file: string) => {
    const rel = relative(process.cwd(), file);
    return rel && !rel.startsWith('..') ? rel : file;
  };

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

  if (e.JWKS && e.JWKS_FILE) throw new SettingsError('JWKS and JWKS_FILE: set one of them, not both');
  const jwks = e.JWKS_FILE
    ? parseWith(jwksSchema, readJsonFile(e.JWKS_FILE, 'JWKS_FILE'), `JWKS_FILE ${shown(e.JWKS_FILE)}`)
    : e.JWKS
      ? parseJsonText(jwksSchema, e.JWKS, 'JWKS')
      : undefined;

  if (e.COOKIE_KEYS && e.COOKIE_KEYS_FILE) throw new SettingsError('COOKIE_KEYS and COOKIE_KEYS_FILE: set one of them, not both');
  let cookieKeys: string[] | undefined;
  if (e.COOKIE_KEYS_FILE) {
    cookieKeys = parseWith(cookieKeysSchema, readJsonFile(e.COOKIE_KEYS_FILE, 'COOKIE_KEYS_FILE'), `COOKIE_KEYS_FILE ${shown(e.COOKIE_KEYS_FILE)}`);
  } else if (e.COOKIE_KEYS) {
    cookieKeys = parseWith(cookieKeysSchema, e.COOKIE_KEYS.split(',').map((k) => k.trim()), 'COOKIE_KEYS');
  }

  if (e.KEYS_ENCRYPTION_KEY && e.KEYS_ENCRYPTION_KEY_FILE) throw new SettingsError('KEYS_ENCRYPTION_KEY and KEYS_ENCRYPTION_KEY_FILE: set one of them, not both');
  const keysEncryptionKey = e.KEYS_ENCRYPTION_KEY_FILE
    ? encryptionKey(readTextFile(e.KEYS_ENCRYPTION_KEY_FILE, 'KEYS_ENCRYPTION_KEY_FILE'), `KEYS_ENCRYPTION_KEY_FILE ${shown(e.KEYS_ENCRYPTION_KEY_FILE)}`)
    : e.KEYS_ENCRYPTION_KEY
      ? encryptionKey(e.KEYS_ENCRYPTION_KEY, 'KEYS_ENCRYPTION_KEY')
      : undefined;

  const clientsFile = join(configDir, 'clients.json');
  const clients = existsSync(clientsFile)
    ? parseWith(z.array(clientConfigSchema), readJsonFile(clientsFile, 'config'), shown(clientsFile))
    : [];
  uniqueClientIds(clients, shown(clientsFile));

  const scopesFile = join(configDir, 'scopes.json');
  const scopes = existsSync(scopesFile) ? parseWith(z.array(scopeConfigSchema), readJsonFile(scopesFile, 'config'), shown(scopesFile)) : [];
  const scopeIds = new Set<string>();
  scopes.forEach((scope, i) => {
    if (scopeIds.has(scope.id)) throw new SettingsError(`${shown(scopesFile)} [${i}].id: duplicate scope ${scope.id}`);
    scopeIds.add(scope.id);
  });

  const brandingFile = join(configDir, 'branding.json');
  const brandingConfig = parseWith(brandingSchema, existsSync(brandingFile) ? readJsonFile(brandingFile, 'config') : {}, shown(brandingFile));
  let logo: Branding['logo'];
  if (brandingConfig.logo) {
    const file = join(configDir, brandingConfig.logo);
    if (!existsSync(file)) throw new SettingsError(`${shown(brandingFile)} logo: ${shown(file)} does not exist`);
    const ext = extname(file).toLowerCase() as keyof typeof LOGO_TYPES;
    logo = { file, contentType: LOGO_TYPES[ext] };
  }
  const branding: Branding = { ...brandingConfig, logo };

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

  let demo: Settings['demo'];
  if (demoWanted) {
    const demoFile = join(configDir, 'demo.json');
    const parsedDemo = parseWith(demoSchema, readJsonFile(demoFile, 'DEMO'), shown(demoFile));
    uniqueClientIds([...clients, ...parsedDemo.clients], `${shown(clientsFile)} + ${shown(demoFile)}`);
    demo = { clients: parsedDemo.clients, users: parsedDemo.users };
  }


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
    sources: { clients: shown(clientsFile), demo: shown(join(configDir, 'demo.json')) },
    demo,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    settingsRefreshMs: e.SETTINGS_REFRESH_MS,
    workers,
  };
}
