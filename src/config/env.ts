/**
 * The environment variables this provider reads, each with its rule and default, and the parse that turns
 * process.env into typed values (or a SettingsError naming each variable at fault).
 */
import { z } from 'zod';
import { SIGNING_ALGS } from './id-token-algs.js';
import { PASSWORD_MAX, USERNAME_MAX } from '../input-bounds.js';
import { issuesText } from './issues.js';
import { REDIS_TIMEOUT_DEFAULTS } from './redis-settings.js';
import { SettingsError } from './settings-error.js';

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

/** An absolute URL of one of `protocols` (`['http:', 'https:']`); config files use it for links too. */
export const url = (protocols: string[]) =>
  z.string().refine((v) => {
    const parsed = URL.parse(v);
    return parsed !== null && protocols.includes(parsed.protocol);
  }, `expected an absolute ${protocols.map((p) => p.slice(0, -1)).join(' or ')} URL`);

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
  // same defence for the least CPU per login (a smaller block stays in the cache) and the least memory held by
  // concurrent logins. 7 MiB is also the floor.
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
  CLI_TOKEN_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('Where the in-memory development server writes the address and token the command line reaches it with (mode 0600, removed at a clean stop); default .oidc-op/cli-token under the working directory'),
  BOOTSTRAP_ADMIN_USERNAME: z
    .string()
    .min(1)
    .max(USERNAME_MAX, `at most ${USERNAME_MAX} characters`)
    .optional()
    .describe('A first administrator created at start when no administrator exists (with BOOTSTRAP_ADMIN_PASSWORD or BOOTSTRAP_ADMIN_PASSWORD_FILE)'),
  BOOTSTRAP_ADMIN_PASSWORD: z.string().max(PASSWORD_MAX, `at most ${PASSWORD_MAX} characters`).optional().describe("The first administrator's password (prefer BOOTSTRAP_ADMIN_PASSWORD_FILE)"),
  BOOTSTRAP_ADMIN_PASSWORD_FILE: z.string().min(1).optional().describe("A file holding the first administrator's password (one line)"),
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
