/**
 * The environment variables this provider reads, each with its rule and default, and the parse that turns
 * process.env into typed values (or a SettingsError naming each variable at fault).
 */
import { z } from 'zod';
import { SIGNING_ALGS } from './id-token-algs.js';
import { PASSWORD_MAX, USERNAME_MAX } from '../input-bounds.js';
import { issuesText } from './issues.js';
import { REDIS_TIMEOUT_DEFAULTS } from './redis-settings.js';
import { kinds, settingDocs } from './setting-doc.js';
import { SettingsError } from './settings-error.js';

// Plain decimal digits only: Number() would also take '', '0x50' or '1e3'.
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `at least ${min}`).max(max, `at most ${max}`))
    .register(kinds, { type: `whole number, ${min} to ${max}` });
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes')
  .register(kinds, { type: 'true | false (also 1 | 0, yes | no)' });
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
  .pipe(z.array(hostPort).min(1, 'expected at least one host:port'))
  .register(kinds, { type: 'host:port, comma-separated' });

/** An absolute URL of one of `protocols` (`['http:', 'https:']`); config files use it for links too. */
export const url = (protocols: string[]) =>
  z.string().refine((v) => {
    const parsed = URL.parse(v);
    return parsed !== null && protocols.includes(parsed.protocol);
  }, `expected an absolute ${protocols.map((p) => p.slice(0, -1)).join(' or ')} URL`);

const SERVER = 'Server';
const REDIS = 'Redis';
const LIFETIMES = 'Lifetimes';
const LIMITS = 'Flood limits';
const CONNECTIONS = 'Connections';
const PASSWORDS = 'Password hashing';
const KEYS = 'Signing and cookie keys';
const OPERATIONS = 'Operations';

/** Every variable, with its rule, default and (on the schema, in `settingDocs`) its documentation. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development').register(settingDocs, {
    group: SERVER,
    description: '`production` refuses to start without Redis, with generated keys kept unencrypted, with demo data or with an http issuer.',
    example: 'production',
  }),
  ISSUER: url(['http:', 'https:'])
    .refine((v) => !v.includes('?') && !v.includes('#'), 'the issuer has no query or fragment')
    .optional()
    .register(settingDocs, {
      group: SERVER,
      type: 'absolute http or https URL, no query or fragment',
      default: 'http://localhost:$PORT',
      description: 'The issuer URL relying parties see (a trailing slash is dropped); https in production.',
      example: 'https://id.example.com',
    }),
  PORT: int(0, 65535).default(3000).register(settingDocs, { group: SERVER, description: 'The TCP port to listen on (0: any free port).', example: '8080' }),
  HOST: z.string().min(1).default('0.0.0.0').register(settingDocs, { group: SERVER, description: 'The address to listen on.', example: '127.0.0.1' }),
  PROXY: bool.default(false).register(settingDocs, {
    group: SERVER,
    description: 'Behind a reverse proxy: trust its `X-Forwarded-Proto` and `X-Forwarded-Host`.',
    example: 'true',
  }),
  REDIS_URL: url(['redis:', 'rediss:'])
    .optional()
    .register(settingDocs, {
      group: REDIS,
      type: 'redis:// or rediss:// URL',
      description:
        'The Redis every instance shares. Unset (and no Sentinel or Cluster): the in-memory store, for development only. With Sentinel or Cluster it may still give the credentials and TLS (`rediss://`) of every node.',
      example: 'redis://:secret@redis:6379/0',
    }),
  REDIS_SENTINELS: hostPortList.optional().register(settingDocs, { group: REDIS, description: 'Redis Sentinel: the sentinels to ask for the master.', example: 'sentinel-1:26379,sentinel-2:26379' }),
  REDIS_SENTINEL_NAME: z.string().min(1).default('mymaster').register(settingDocs, { group: REDIS, description: 'Redis Sentinel: the name of the master.', example: 'oidc' }),
  REDIS_CLUSTER_NODES: hostPortList.optional().register(settingDocs, {
    group: REDIS,
    description: 'Redis Cluster: the seed nodes (the rest are discovered). Set this or `REDIS_SENTINELS`, not both.',
    example: 'redis-1:6379,redis-2:6379,redis-3:6379',
  }),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]*$/, 'letters, digits, _ : . - only')
    .default('')
    .register(settingDocs, { group: REDIS, type: 'letters, digits, _ : . -', description: 'A prefix for every key, so several deployments can share one Redis.', example: 'staging:' }),
  REDIS_COMMAND_TIMEOUT_MS: int(100, 60_000)
    .default(REDIS_TIMEOUT_DEFAULTS.commandMs)
    .register(settingDocs, {
      group: REDIS,
      description:
        'Milliseconds a Redis command may wait for its reply; then the request answers 503 with `Retry-After: 5`, as when Redis is down ([Operations](../operations.md#redis-timeouts)).',
      example: '1000',
    }),
  REDIS_CONNECT_TIMEOUT_MS: int(100, 60_000)
    .default(REDIS_TIMEOUT_DEFAULTS.connectMs)
    .register(settingDocs, { group: REDIS, description: 'Milliseconds opening a connection to Redis may take.', example: '3000' }),
  DEMO: bool.optional().register(settingDocs, {
    group: OPERATIONS,
    default: 'on without Redis, off with it',
    description: "Load `config/demo.json`: the demo client and users with published passwords. Refused in production.",
    example: 'true',
  }),
  LANDING_PAGE: bool.optional().register(settingDocs, {
    group: OPERATIONS,
    default: 'on in development, off in production',
    description: '`GET /`: a small page linking discovery, the demo, the console and the docs.',
    example: 'false',
  }),
  TTL_ACCESS_TOKEN: int(60, 86400).default(3600).register(settingDocs, {
    group: LIFETIMES,
    description: 'Seconds an access token lives, unless the client has its own; the runtime setting `ttl.access_token` overrides it.',
    example: '900',
  }),
  TTL_ID_TOKEN: int(60, 86400).default(3600).register(settingDocs, {
    group: LIFETIMES,
    description: 'Seconds an ID token is valid, unless the client has its own; the runtime setting `ttl.id_token` overrides it.',
    example: '900',
  }),
  TTL_AUTHORIZATION_CODE: int(10, 600).default(60).register(settingDocs, { group: LIFETIMES, description: 'Seconds an authorization code may wait to be redeemed.', example: '30' }),
  // A sign-in takes minutes; every interaction started is a record kept this long (the flood bound multiplies by it).
  TTL_INTERACTION: int(60, 3600).default(600).register(settingDocs, {
    group: LIFETIMES,
    description: 'Seconds a sign-in or consent page stays valid; every interaction started is kept this long.',
    example: '300',
  }),
  TTL_SESSION: int(300, 365 * 86400).default(14 * 86400).register(settingDocs, {
    group: LIFETIMES,
    description: 'Seconds a sign-in session lives (14 days by default); the runtime setting `ttl.session` overrides it.',
    example: '86400',
  }),
  TTL_GRANT: int(300, 365 * 86400).default(14 * 86400).register(settingDocs, { group: LIFETIMES, description: 'Seconds a grant (the consent behind the tokens) lives.', example: '86400' }),
  // Rotated (and so renewed) on every update of the registration; a client idle longer loses management only.
  TTL_REGISTRATION_ACCESS_TOKEN: int(3600, 365 * 86400).default(30 * 86400).register(settingDocs, {
    group: LIFETIMES,
    description: "Seconds (30 days by default) a dynamic registration's access token lives; each update issues a new one.",
    example: '604800',
  }),
  INTERACTION_RATE_LIMIT: int(1, 100_000).default(30).register(settingDocs, {
    group: LIMITS,
    description:
      'Interactions (sign-in, consent, account chooser) one client address may start per window; beyond, 429 ([flood limits](../security.md#flood-limits)).',
    example: '60',
  }),
  INTERACTION_RATE_WINDOW: int(1, 3600).default(60).register(settingDocs, { group: LIMITS, description: 'The window of `INTERACTION_RATE_LIMIT`, in seconds.', example: '60' }),
  REGISTRATION_RATE_LIMIT: int(1, 100_000).default(10).register(settingDocs, {
    group: LIMITS,
    description:
      'Dynamic registrations per window, per client address and per initial access token ([registration](../security.md#dynamic-client-registration)).',
    example: '20',
  }),
  REGISTRATION_RATE_WINDOW: int(1, 86400).default(3600).register(settingDocs, { group: LIMITS, description: 'The window of `REGISTRATION_RATE_LIMIT`, in seconds.', example: '3600' }),
  HTTP_HEADERS_TIMEOUT_MS: int(100, 600_000).default(20_000).register(settingDocs, {
    group: CONNECTIONS,
    description: "Milliseconds, per process, in which a request's headers must arrive, else 408 ([connections](../security.md#connections)). At most `HTTP_REQUEST_TIMEOUT_MS`.",
    example: '10000',
  }),
  HTTP_REQUEST_TIMEOUT_MS: int(100, 3_600_000).default(60_000).register(settingDocs, {
    group: CONNECTIONS,
    description: 'Milliseconds, per process, in which the whole request must arrive, else 408.',
    example: '30000',
  }),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(100, 600_000).default(65_000).register(settingDocs, {
    group: CONNECTIONS,
    description: "An idle keep-alive connection closes after this many milliseconds; keep it above the proxy's idle timeout.",
    example: '75000',
  }),
  HTTP_MAX_CONNECTIONS: int(1, 1_000_000).default(4096).register(settingDocs, {
    group: CONNECTIONS,
    description: 'Open connections per process; connections beyond are closed as they arrive.',
    example: '10000',
  }),
  // OWASP lists equivalent argon2id sets from 46 MiB with t=1 down to 7 MiB with t=5. The default is the last: the
  // same defence for the least CPU per login (a smaller block stays in the cache) and the least memory held by
  // concurrent logins. 7 MiB is also the floor.
  ARGON2_MEMORY_KIB: int(7 * 1024, 4 * 1024 * 1024).default(7 * 1024).register(settingDocs, {
    group: PASSWORDS,
    description:
      "argon2id's memory in KiB. The default, 7 MiB with `ARGON2_TIME_COST` 5, is one of the sets OWASP lists as equal in defence (46 MiB with t=1, 19 MiB with t=2, 12 MiB with t=3, 9 MiB with t=4); hashes made with other parameters are re-hashed at the next sign-in.",
    example: '19456',
  }),
  ARGON2_TIME_COST: int(1, 20).default(5).register(settingDocs, { group: PASSWORDS, description: "argon2id's number of passes.", example: '2' }),
  ARGON2_PARALLELISM: int(1, 16).default(1).register(settingDocs, { group: PASSWORDS, description: "argon2id's lanes.", example: '1' }),
  ID_TOKEN_SIGNING_ALG: z.enum(SIGNING_ALGS).default('RS256').register(settingDocs, {
    group: KEYS,
    description: "The ID token algorithm of a client that names none of its own (`id_token_signed_response_alg`: [Flows](../flows.md#id-token-signing-algorithm-per-client)).",
    example: 'ES256',
  }),
  JWKS: z.string().optional().register(settingDocs, {
    group: KEYS,
    type: 'JWKS (JSON text)',
    default: 'generated, kept in Redis',
    description: 'The private signing keys, as a JWKS; set this or `JWKS_FILE`. Configured keys are rotated here, not with `keys rotate`.',
  }),
  JWKS_FILE: z.string().optional().register(settingDocs, { group: KEYS, type: 'file path', description: 'A file holding the JWKS, instead of `JWKS`.', example: '/run/secrets/jwks.json' }),
  COOKIE_KEYS: z.string().optional().register(settingDocs, {
    group: KEYS,
    type: 'comma-separated keys, each at least 32 characters',
    default: 'generated, kept in Redis',
    description: 'The cookie signing keys: the first signs, all verify (to roll one, put the new key first); set this or `COOKIE_KEYS_FILE`.',
  }),
  COOKIE_KEYS_FILE: z.string().optional().register(settingDocs, { group: KEYS, type: 'file path', description: 'A file holding the cookie keys as a JSON array, instead of `COOKIE_KEYS`.', example: '/run/secrets/cookie-keys.json' }),
  KEYS_ENCRYPTION_KEY: z.string().optional().register(settingDocs, {
    group: KEYS,
    type: '32 random bytes in base64 or base64url',
    description:
      'Encrypts the generated keys kept in Redis ([encrypted at rest](../configuration.md#signing-keys-without-downtime)); with it production accepts generated, rotatable keys. The server and the command line need the same one (`openssl rand -base64 32` makes one).',
  }),
  KEYS_ENCRYPTION_KEY_FILE: z.string().optional().register(settingDocs, {
    group: KEYS,
    type: 'file path',
    description: 'A file holding the keys encryption key, instead of `KEYS_ENCRYPTION_KEY`.',
    example: '/run/secrets/keys-encryption-key',
  }),
  CONFIG_DIR: z.string().optional().register(settingDocs, {
    group: OPERATIONS,
    type: 'directory path',
    default: 'config/ in the project',
    description: 'Where `clients.json`, `scopes.json`, `branding.json` and `demo.json` are read ([files](../configuration.md#files-in-config)).',
    example: '/etc/oidc-op',
  }),
  SETTINGS_REFRESH_MS: int(100, 60_000).default(2000).register(settingDocs, {
    group: OPERATIONS,
    description: 'How often, in milliseconds, each instance re-reads the [runtime settings](#runtime-settings) and the signing keys.',
    example: '5000',
  }),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional().register(settingDocs, {
    group: OPERATIONS,
    type: 'text, at least 16 characters',
    description: 'When set, `GET /metrics` needs `Authorization: Bearer <token>`.',
  }),
  WORKERS: z
    .union([z.literal('auto'), int(1, 256)], { error: "expected a whole number from 1 to 256, or 'auto' (one per core)" })
    .default(1)
    .register(settingDocs, {
      group: OPERATIONS,
      type: "whole number, 1 to 256, or 'auto'",
      description: 'Server processes on this host (node:cluster, sharing the port), `auto` for one per core; more than one needs Redis.',
      example: 'auto',
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').register(settingDocs, {
    group: OPERATIONS,
    description: "pino's level; audit lines are written at any level but `silent` ([audit](../audit.md#the-log-line)).",
    example: 'debug',
  }),
  CLI_TOKEN_FILE: z.string().min(1).optional().register(settingDocs, {
    group: OPERATIONS,
    type: 'file path',
    default: '.oidc-op/cli-token under the working directory',
    description: 'Where the in-memory development server writes the address and token the command line reaches it with (mode 0600, removed at a clean stop).',
    example: '/run/user/1000/oidc-op-cli-token',
  }),
  BOOTSTRAP_ADMIN_USERNAME: z
    .string()
    .min(1)
    .max(USERNAME_MAX, `at most ${USERNAME_MAX} characters`)
    .optional()
    .register(settingDocs, {
      group: OPERATIONS,
      description: 'A first administrator created at start when no administrator exists (with `BOOTSTRAP_ADMIN_PASSWORD` or `BOOTSTRAP_ADMIN_PASSWORD_FILE`); ignored once one exists.',
      example: 'admin',
    }),
  BOOTSTRAP_ADMIN_PASSWORD: z
    .string()
    .max(PASSWORD_MAX, `at most ${PASSWORD_MAX} characters`)
    .optional()
    .register(settingDocs, { group: OPERATIONS, type: 'text', description: "The first administrator's password (prefer `BOOTSTRAP_ADMIN_PASSWORD_FILE`).", example: 'a-long-passphrase' }),
  BOOTSTRAP_ADMIN_PASSWORD_FILE: z.string().min(1).optional().register(settingDocs, {
    group: OPERATIONS,
    type: 'file path',
    description: "A file holding the first administrator's password (one line).",
    example: '/run/secrets/admin-password',
  }),
});

export type Env = z.infer<typeof envSchema>;

/** Every variable this module reads (`.env.example` lists the same, a test keeps them equal). */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/** The environment's values, typed and defaulted; a SettingsError naming every variable at fault. */
export function parseEnv(env: NodeJS.ProcessEnv): Env {
  // An empty variable (PORT= in a compose file) means unset, not an empty value.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    throw new SettingsError(`invalid environment: ${issuesText(parsed.error, (path) => String(path[0]))}`);
  }
  return parsed.data;
}
