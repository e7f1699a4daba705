import { describe, expect, test } from '@jest/globals';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useConfigDirs } from '../support/config-dir.js';
import { loadSettings } from '../../src/config/settings.js';
import { SettingsError } from '../../src/config/settings-error.js';

const FIXTURES_CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'config');

const configDir = useConfigDirs();

/** The SettingsError loadSettings throws for env; fails the test when it does not throw one. */
function settingsError(env: NodeJS.ProcessEnv): SettingsError {
  try {
    loadSettings(env);
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return err as SettingsError;
  }
  throw new Error(`loadSettings accepted ${JSON.stringify(env)}`);
}

const client = (overrides: Record<string, unknown> = {}) => ({
  client_id: 'app',
  redirect_uris: ['https://rp.example.test/cb'],
  response_types: ['id_token'],
  ...overrides,
});

/** One RSA key pair for the whole file: generating one takes a while. */
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateJwks = () => JSON.stringify({ keys: [{ ...rsa.privateKey.export({ format: 'jwk' }), kid: 'test-key-1' }] });

const COOKIE_KEY = 'k'.repeat(32);

describe('loadSettings defaults', () => {
  const settings = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG });

  test('development on http://localhost:3000', () => {
    expect(settings.env).toBe('development');
    expect(settings.production).toBe(false);
    expect(settings.issuer).toBe('http://localhost:3000');
    expect(settings.port).toBe(3000);
    expect(settings.host).toBe('0.0.0.0');
    expect(settings.proxy).toBe(false);
    expect(settings.logLevel).toBe('info');
  });

  test('token lifetimes', () => {
    expect(settings.ttl).toEqual({
      accessToken: 3600,
      idToken: 3600,
      authorizationCode: 60,
      interaction: 600,
      session: 14 * 86400,
      grant: 14 * 86400,
      registrationAccessToken: 30 * 86400,
    });
  });

  test('flood limits and HTTP server bounds', () => {
    expect(settings.limits).toEqual({ interactions: { limit: 30, windowSeconds: 60 }, registrations: { limit: 10, windowSeconds: 3600 } });
    expect(settings.http).toEqual({ headersTimeoutMs: 20_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 65_000, maxConnections: 4096 });
  });

  test('a headers timeout longer than the request timeout is refused, naming both', () => {
    expect(() => loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' })).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS: at most HTTP_REQUEST_TIMEOUT_MS \(1000\)/,
    );
    expect(() => loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, TTL_INTERACTION: '7200' })).toThrow(/TTL_INTERACTION: at most 3600/);
  });

  test("argon2 defaults: OWASP's 7 MiB with t=5, p=1", () => {
    expect(settings.argon2).toEqual({ memoryCost: 7168, timeCost: 5, parallelism: 1 });
  });

  test('ID tokens signed with RS256', () => {
    expect(settings.idTokenSigningAlg).toBe('RS256');
  });

  test('no Redis, no configured keys', () => {
    expect(settings.redis).toBeUndefined();
    expect(settings.jwks).toBeUndefined();
    expect(settings.cookieKeys).toBeUndefined();
  });

  test('clients from clients.json', () => {
    expect(settings.clients.map((c) => c.client_id)).toEqual(['spa-both', 'spa-id-token', 'spa-token', 'web-code', 'first-party', 'chooser']);
    expect(settings.clients[0]?.token_endpoint_auth_method).toBe('none');
    expect(settings.clients[0]?.response_types).toEqual(['id_token token', 'id_token']);
  });

  test('demo data loaded when there is no REDIS_URL', () => {
    expect(settings.demo?.users.map((u) => u.username)).toEqual(['alice', 'bob']);
    expect(settings.demo?.clients).toEqual([]);
    expect(settings.demo?.users[0]?.claims).toMatchObject({ email: 'alice@example.com', email_verified: true });
  });

  test('demo data not loaded with REDIS_URL', () => {
    expect(loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_URL: 'redis://localhost:6379' }).demo).toBeUndefined();
  });

  test('DEMO=true loads the demo data with REDIS_URL', () => {
    const s = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_URL: 'redis://localhost:6379', DEMO: 'true' });
    expect(s.demo?.users).toHaveLength(2);
  });

  test('DEMO=false skips the demo data without REDIS_URL', () => {
    expect(loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, DEMO: 'false' }).demo).toBeUndefined();
  });

  test("a config-file client's own ID token algorithm: one of ours, or refused naming the field", () => {
    const client = { client_id: 'apache', redirect_uris: ['https://rp.example.test/cb'], response_types: ['id_token'] };
    const withAlg = (alg: string) => loadSettings({ CONFIG_DIR: configDir({ 'clients.json': [{ ...client, id_token_signed_response_alg: alg }] }), DEMO: 'no' });
    expect(withAlg('ES256').clients[0]?.id_token_signed_response_alg).toBe('ES256');
    expect(() => withAlg('HS256')).toThrow(/clients\.json \[0\]\.id_token_signed_response_alg: one of RS256, ES256, EdDSA/);
  });

  test('no clients.json: no clients', () => {
    expect(loadSettings({ CONFIG_DIR: configDir(), DEMO: 'no' }).clients).toEqual([]);
  });
});

describe('loadSettings values', () => {
  test('PORT sets the port and the default issuer', () => {
    const s = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, PORT: '8080' });
    expect(s.port).toBe(8080);
    expect(s.issuer).toBe('http://localhost:8080');
  });

  test('PORT=0 keeps the default issuer on 3000', () => {
    const s = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, PORT: '0' });
    expect(s.port).toBe(0);
    expect(s.issuer).toBe('http://localhost:3000');
  });

  test('ISSUER loses its trailing slash', () => {
    expect(loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, ISSUER: 'https://op.example.test/' }).issuer).toBe(
      'https://op.example.test',
    );
  });

  test('numeric and boolean variables are parsed', () => {
    const s = loadSettings({
      CONFIG_DIR: FIXTURES_CONFIG,
      NODE_ENV: 'test',
      PROXY: 'yes',
      TTL_ACCESS_TOKEN: '600',
      TTL_ID_TOKEN: '300',
      ARGON2_MEMORY_KIB: '19456',
      ARGON2_TIME_COST: '2',
      ARGON2_PARALLELISM: '4',
      ID_TOKEN_SIGNING_ALG: 'ES256',
      LOG_LEVEL: 'silent',
    });
    expect(s.env).toBe('test');
    expect(s.proxy).toBe(true);
    expect(s.ttl.accessToken).toBe(600);
    expect(s.ttl.idToken).toBe(300);
    expect(s.argon2).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 4 }); // OWASP's 19 MiB set
    expect(s.idTokenSigningAlg).toBe('ES256');
    expect(s.logLevel).toBe('silent');
  });

  test('COOKIE_KEYS is a comma-separated list', () => {
    const s = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, COOKIE_KEYS: `${'a'.repeat(32)}, ${'b'.repeat(40)}` });
    expect(s.cookieKeys).toEqual(['a'.repeat(32), 'b'.repeat(40)]);
  });

  test('JWKS is parsed', () => {
    const s = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, JWKS: privateJwks() });
    expect(s.jwks?.keys).toHaveLength(1);
    expect(s.jwks?.keys[0]?.kty).toBe('RSA');
    expect(s.jwks?.keys[0]?.kid).toBe('test-key-1');
  });

  test('JWKS_FILE and COOKIE_KEYS_FILE are read', () => {
    const dir = configDir({ 'jwks.json': privateJwks(), 'cookies.json': [COOKIE_KEY] });
    const s = loadSettings({
      CONFIG_DIR: FIXTURES_CONFIG,
      JWKS_FILE: join(dir, 'jwks.json'),
      COOKIE_KEYS_FILE: join(dir, 'cookies.json'),
    });
    expect(s.jwks?.keys[0]?.kid).toBe('test-key-1');
    expect(s.cookieKeys).toEqual([COOKIE_KEY]);
  });
});

describe('loadSettings Redis', () => {
  const DEFAULT_TIMEOUTS = { commandMs: 2000, connectMs: 5000 };

  test('REDIS_URL: standalone', () => {
    const s = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_URL: 'redis://redis.internal:6380/2' });
    expect(s.redis).toEqual({ mode: 'standalone', url: 'redis://redis.internal:6380/2', keyPrefix: '', timeouts: DEFAULT_TIMEOUTS });
  });

  test('rediss:// and a key prefix', () => {
    const s = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_URL: 'rediss://r:6379', REDIS_KEY_PREFIX: 'op:' });
    expect(s.redis).toEqual({ mode: 'standalone', url: 'rediss://r:6379', keyPrefix: 'op:', timeouts: DEFAULT_TIMEOUTS });
  });

  test('REDIS_SENTINELS: sentinel mode with the default master name', () => {
    const s = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_SENTINELS: 's1:26379, s2:26380,' });
    expect(s.redis).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      name: 'mymaster',
      url: undefined,
      keyPrefix: '',
      timeouts: DEFAULT_TIMEOUTS,
    });
    expect(s.demo).toBeUndefined();
  });

  test('REDIS_SENTINELS with REDIS_SENTINEL_NAME and REDIS_URL for credentials', () => {
    const s = loadSettings({
      CONFIG_DIR: FIXTURES_CONFIG,
      REDIS_SENTINELS: 'sentinel:26379',
      REDIS_SENTINEL_NAME: 'op-master',
      REDIS_URL: 'rediss://:secret@ignored:6379',
    });
    expect(s.redis).toEqual({
      mode: 'sentinel',
      sentinels: [{ host: 'sentinel', port: 26379 }],
      name: 'op-master',
      url: 'rediss://:secret@ignored:6379',
      keyPrefix: '',
      timeouts: DEFAULT_TIMEOUTS,
    });
  });

  test('REDIS_CLUSTER_NODES: cluster mode', () => {
    const s = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_CLUSTER_NODES: 'n1:7000,n2:7001,n3:7002' });
    expect(s.redis).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
        { host: 'n3', port: 7002 },
      ],
      url: undefined,
      keyPrefix: '',
      timeouts: DEFAULT_TIMEOUTS,
    });
  });

  test('REDIS_COMMAND_TIMEOUT_MS and REDIS_CONNECT_TIMEOUT_MS: whole milliseconds from 100 to 60000', () => {
    const s = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_URL: 'redis://r:6379', REDIS_COMMAND_TIMEOUT_MS: '750', REDIS_CONNECT_TIMEOUT_MS: '60000' });
    expect(s.redis?.timeouts).toEqual({ commandMs: 750, connectMs: 60000 });
    expect(() => loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_URL: 'redis://r:6379', REDIS_COMMAND_TIMEOUT_MS: '99' })).toThrow(/REDIS_COMMAND_TIMEOUT_MS: at least 100/);
    expect(() => loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_URL: 'redis://r:6379', REDIS_CONNECT_TIMEOUT_MS: '2s' })).toThrow(/REDIS_CONNECT_TIMEOUT_MS: expected a whole number/);
  });

  test('REDIS_SENTINELS and REDIS_CLUSTER_NODES together are refused', () => {
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_SENTINELS: 's:26379', REDIS_CLUSTER_NODES: 'n:7000' });
    expect(err.message).toBe('REDIS_SENTINELS and REDIS_CLUSTER_NODES: set one of them, not both');
  });

  test('a sentinel without a port is refused', () => {
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_SENTINELS: 'sentinel' });
    expect(err.message).toMatch(/^invalid environment: /);
    expect(err.message).toContain('REDIS_SENTINELS');
    expect(err.message).toContain('expected host:port');
  });

  test('an empty node list is refused', () => {
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_CLUSTER_NODES: ' , ' });
    expect(err.message).toContain('REDIS_CLUSTER_NODES');
    expect(err.message).toContain('expected at least one host:port');
  });
});

describe('loadSettings refuses bad environment values, naming the variable', () => {
  test.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['TTL_ACCESS_TOKEN', '5'],
    ['TTL_ACCESS_TOKEN', '86401'],
    ['TTL_AUTHORIZATION_CODE', '601'],
    ['ARGON2_MEMORY_KIB', '1024'],
    ['ARGON2_MEMORY_KIB', '7167'],
    ['ARGON2_TIME_COST', '1.5'],
    ['REDIS_URL', 'http://x'],
    ['REDIS_URL', 'not a url'],
    ['ID_TOKEN_SIGNING_ALG', 'HS256'],
    ['ID_TOKEN_SIGNING_ALG', 'none'],
    ['NODE_ENV', 'staging'],
    ['PROXY', 'maybe'],
    ['DEMO', 'on'],
    ['ISSUER', 'ftp://op.example.test'],
    ['ISSUER', 'https://op.example.test/?a=b'],
    ['ISSUER', 'https://op.example.test/#x'],
    ['REDIS_KEY_PREFIX', 'op prefix'],
    ['LOG_LEVEL', 'verbose'],
  ])('%s=%s', (name, value) => {
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, [name]: value });
    expect(err.name).toBe('SettingsError');
    expect(err.message).toMatch(new RegExp(`^invalid environment: .*\\b${name}: `));
  });

  test('REDIS_URL=http://x explains the expected scheme', () => {
    expect(settingsError({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_URL: 'http://x' }).message).toBe(
      'invalid environment: REDIS_URL: expected an absolute redis or rediss URL',
    );
  });

  test('two bad variables are both named', () => {
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, PORT: 'abc', TTL_ACCESS_TOKEN: '5' });
    expect(err.message).toContain('PORT: ');
    expect(err.message).toContain('TTL_ACCESS_TOKEN: ');
  });
});

describe('loadSettings refuses bad config files, naming the file and field', () => {
  test('a bad redirect URI in clients.json', () => {
    const dir = configDir({ 'clients.json': [client({ redirect_uris: ['https://rp.example.test/cb#frag'] })] });
    const err = settingsError({ CONFIG_DIR: dir, DEMO: 'false' });
    expect(err.message).toContain(join(basename(dir), 'clients.json'));
    expect(err.message).toContain('[0].redirect_uris[0]: must not contain a fragment');
  });

  test('the index of the faulty client is named', () => {
    const dir = configDir({
      'clients.json': [client(), client({ client_id: 'two', redirect_uris: ['https://rp.example.test/*'] })],
    });
    expect(settingsError({ CONFIG_DIR: dir, DEMO: 'false' }).message).toContain(
      'clients.json [1].redirect_uris[0]: must not contain wildcards',
    );
  });

  test('a relative redirect URI', () => {
    const dir = configDir({ 'clients.json': [client({ redirect_uris: ['/cb'] })] });
    expect(settingsError({ CONFIG_DIR: dir, DEMO: 'false' }).message).toContain(
      'clients.json [0].redirect_uris[0]: must be an absolute URL',
    );
  });

  test('an unsupported response type', () => {
    const dir = configDir({ 'clients.json': [client({ response_types: ['token'] })] });
    expect(settingsError({ CONFIG_DIR: dir, DEMO: 'false' }).message).toContain('clients.json [0].response_types[0]: ');
  });

  test('an unknown field', () => {
    const dir = configDir({ 'clients.json': [client({ redirect_uri: 'https://rp.example.test/cb' })] });
    const err = settingsError({ CONFIG_DIR: dir, DEMO: 'false' });
    expect(err.message).toContain('clients.json [0]: ');
    expect(err.message).toContain('redirect_uri');
  });

  test('a short client secret', () => {
    const dir = configDir({ 'clients.json': [client({ client_secret: 'short' })] });
    expect(settingsError({ CONFIG_DIR: dir, DEMO: 'false' }).message).toContain(
      'clients.json [0].client_secret: a client secret has at least 32 characters',
    );
  });

  test('clients.json that is not an array', () => {
    const dir = configDir({ 'clients.json': { client_id: 'app' } });
    expect(settingsError({ CONFIG_DIR: dir, DEMO: 'false' }).message).toContain('clients.json (root): ');
  });

  test('invalid JSON names the file', () => {
    const dir = configDir({ 'clients.json': '[{"client_id": ' });
    const err = settingsError({ CONFIG_DIR: dir, DEMO: 'false' });
    expect(err.message).toMatch(/^config: .*clients\.json is not valid JSON \(/);
    expect(err.message).toContain(basename(dir));
  });

  test('invalid JSON in demo.json names the file', () => {
    const dir = configDir({ 'demo.json': '{ users: [] }' });
    const err = settingsError({ CONFIG_DIR: dir });
    expect(err.message).toMatch(/^DEMO: .*demo\.json is not valid JSON \(/);
  });

  test('a missing demo.json when the demo is wanted', () => {
    const dir = configDir();
    const err = settingsError({ CONFIG_DIR: dir, DEMO: 'true' });
    expect(err.message).toMatch(/^DEMO: cannot read .*demo\.json \(ENOENT\)$/);
  });

  test('a bad user in demo.json', () => {
    const dir = configDir({ 'demo.json': { users: [{ sub: 'u1', username: 'alice', password: 'pw' }, { sub: '', username: 'b', password: 'x' }] } });
    const err = settingsError({ CONFIG_DIR: dir });
    expect(err.message).toContain('demo.json users[1].sub: ');
  });

  test('a bad client in demo.json', () => {
    const dir = configDir({ 'demo.json': { clients: [client({ redirect_uris: [] })] } });
    expect(settingsError({ CONFIG_DIR: dir }).message).toContain(
      'demo.json clients[0].redirect_uris: at least one redirect URI',
    );
  });

  test('a duplicate client_id in clients.json', () => {
    const dir = configDir({ 'clients.json': [client(), client({ client_id: 'other' }), client()] });
    const err = settingsError({ CONFIG_DIR: dir, DEMO: 'false' });
    expect(err.message).toContain('clients.json [2].client_id: duplicate client_id app');
  });

  test('a client_id in both clients.json and demo.json', () => {
    const dir = configDir({ 'clients.json': [client()], 'demo.json': { clients: [client()] } });
    const err = settingsError({ CONFIG_DIR: dir });
    expect(err.message).toContain('clients.json + ');
    expect(err.message).toContain('demo.json [1].client_id: duplicate client_id app');
  });
});

describe('loadSettings refuses bad keys', () => {
  test('JWKS that is not JSON', () => {
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, JWKS: '{keys:' });
    expect(err.message).toMatch(/^JWKS: not valid JSON \(/);
  });

  test('JWKS with a public key only', () => {
    const publicJwk = rsa.publicKey.export({ format: 'jwk' });
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, JWKS: JSON.stringify({ keys: [{ ...publicJwk, kid: 'k' }] }) });
    expect(err.message).toMatch(/^JWKS keys\[0\]\.d: /);
  });

  test('JWKS without a kid', () => {
    const jwk = rsa.privateKey.export({ format: 'jwk' });
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, JWKS: JSON.stringify({ keys: [jwk] }) });
    expect(err.message).toMatch(/^JWKS keys\[0\]\.kid: /);
  });

  test('JWKS with no keys', () => {
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, JWKS: '{"keys":[]}' });
    expect(err.message).toBe('JWKS keys: at least one private signing key');
  });

  test('JWKS and JWKS_FILE together', () => {
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, JWKS: privateJwks(), JWKS_FILE: '/nonexistent/jwks.json' });
    expect(err.message).toBe('JWKS and JWKS_FILE: set one of them, not both');
  });

  test('a JWKS_FILE that does not exist', () => {
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, JWKS_FILE: '/nonexistent/jwks.json' });
    expect(err.message).toBe('JWKS_FILE: cannot read /nonexistent/jwks.json (ENOENT)');
  });

  test('COOKIE_KEYS shorter than 32 characters', () => {
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, COOKIE_KEYS: 'k'.repeat(31) });
    expect(err.message).toBe('COOKIE_KEYS [0]: each cookie key has at least 32 characters');
  });

  test('the short one of several COOKIE_KEYS is named', () => {
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, COOKIE_KEYS: `${COOKIE_KEY},short` });
    expect(err.message).toBe('COOKIE_KEYS [1]: each cookie key has at least 32 characters');
  });

  test('COOKIE_KEYS and COOKIE_KEYS_FILE together', () => {
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, COOKIE_KEYS: COOKIE_KEY, COOKIE_KEYS_FILE: '/x.json' });
    expect(err.message).toBe('COOKIE_KEYS and COOKIE_KEYS_FILE: set one of them, not both');
  });

  test('a COOKIE_KEYS_FILE with a short key names the file', () => {
    const dir = configDir({ 'cookies.json': ['short'] });
    const err = settingsError({ CONFIG_DIR: FIXTURES_CONFIG, COOKIE_KEYS_FILE: join(dir, 'cookies.json') });
    expect(err.message).toMatch(/^COOKIE_KEYS_FILE .*cookies\.json \[0\]: each cookie key has at least 32 characters$/);
  });
});

describe('loadSettings in production', () => {
  const jwks = privateJwks();
  const emptyConfig = configDir();
  const validProduction = {
    NODE_ENV: 'production',
    CONFIG_DIR: emptyConfig,
    REDIS_URL: 'rediss://redis.internal:6379',
    ISSUER: 'https://op.example.test',
    JWKS: jwks,
    COOKIE_KEYS: COOKIE_KEY,
    DEMO: 'false',
  };

  test('refuses every development default at once, giving each reason', () => {
    const err = settingsError({ NODE_ENV: 'production', CONFIG_DIR: FIXTURES_CONFIG, DEMO: 'true' });
    expect(err.message).toMatch(/^NODE_ENV=production refuses to start: /);
    expect(err.message).toContain('REDIS_URL (or REDIS_SENTINELS / REDIS_CLUSTER_NODES) is required');
    expect(err.message).toContain('JWKS or JWKS_FILE, or KEYS_ENCRYPTION_KEY');
    expect(err.message).toContain('COOKIE_KEYS or COOKIE_KEYS_FILE, or KEYS_ENCRYPTION_KEY');
    expect(err.message).toContain('DEMO must be off');
    expect(err.message).toContain('ISSUER must be an https URL');
  });

  test.each([
    ['REDIS_URL', 'REDIS_URL (or REDIS_SENTINELS / REDIS_CLUSTER_NODES) is required'],
    ['JWKS', 'JWKS or JWKS_FILE, or KEYS_ENCRYPTION_KEY (to keep generated, rotatable keys encrypted in Redis), is required'],
    ['COOKIE_KEYS', 'COOKIE_KEYS or COOKIE_KEYS_FILE, or KEYS_ENCRYPTION_KEY (to keep generated cookie keys encrypted in Redis), is required'],
    ['ISSUER', 'ISSUER must be an https URL'],
  ])('refuses without %s', (name, reason) => {
    const env: NodeJS.ProcessEnv = { ...validProduction };
    delete env[name];
    const err = settingsError(env);
    expect(err.message).toMatch(/^NODE_ENV=production refuses to start: /);
    expect(err.message).toContain(reason);
    expect(err.message.split('; ')).toHaveLength(1);
  });

  test('refuses DEMO=true', () => {
    const err = settingsError({ ...validProduction, CONFIG_DIR: FIXTURES_CONFIG, DEMO: 'true' });
    expect(err.message).toBe(
      'NODE_ENV=production refuses to start: DEMO must be off: demo users and clients have published passwords',
    );
  });

  test('refuses an http ISSUER', () => {
    const err = settingsError({ ...validProduction, ISSUER: 'http://op.example.test' });
    expect(err.message).toBe('NODE_ENV=production refuses to start: ISSUER must be an https URL');
  });

  test('accepts a complete production environment', () => {
    const s = loadSettings(validProduction);
    expect(s.production).toBe(true);
    expect(s.env).toBe('production');
    expect(s.issuer).toBe('https://op.example.test');
    expect(s.redis).toMatchObject({ mode: 'standalone', url: 'rediss://redis.internal:6379', keyPrefix: '' });
    expect(s.jwks?.keys[0]?.kid).toBe('test-key-1');
    expect(s.cookieKeys).toEqual([COOKIE_KEY]);
    expect(s.demo).toBeUndefined();
    expect(s.clients).toEqual([]);
  });

  test('accepts generated keys in production when they are kept encrypted (KEYS_ENCRYPTION_KEY)', () => {
    const key = randomBytes(32);
    const env: NodeJS.ProcessEnv = { ...validProduction, KEYS_ENCRYPTION_KEY: key.toString('base64') };
    delete env.JWKS;
    delete env.COOKIE_KEYS;
    const s = loadSettings(env);
    expect(s.jwks).toBeUndefined();
    expect(s.cookieKeys).toBeUndefined();
    expect(Buffer.from(s.keysEncryptionKey!)).toEqual(key);
    // base64url, and from a file, say the same
    expect(Buffer.from(loadSettings({ ...env, KEYS_ENCRYPTION_KEY: key.toString('base64url') }).keysEncryptionKey!)).toEqual(key);
    const dir = configDir({ 'kek.txt': `${key.toString('base64')}\n` });
    const fromFile: NodeJS.ProcessEnv = { ...env, KEYS_ENCRYPTION_KEY_FILE: join(dir, 'kek.txt') };
    delete fromFile.KEYS_ENCRYPTION_KEY;
    expect(Buffer.from(loadSettings(fromFile).keysEncryptionKey!)).toEqual(key);
  });

  test.each(['short', randomBytes(31).toString('base64'), randomBytes(33).toString('base64'), `${randomBytes(32).toString('hex')}`])(
    'KEYS_ENCRYPTION_KEY=%s is refused, naming the variable and the format',
    (value) => {
      expect(settingsMessage({ ...validProduction, KEYS_ENCRYPTION_KEY: value })).toMatch(/^KEYS_ENCRYPTION_KEY: expected 32 random bytes in base64/);
    },
  );

  test('KEYS_ENCRYPTION_KEY and KEYS_ENCRYPTION_KEY_FILE together are refused', () => {
    expect(settingsMessage({ ...validProduction, KEYS_ENCRYPTION_KEY: randomBytes(32).toString('base64'), KEYS_ENCRYPTION_KEY_FILE: '/x' })).toMatch(
      /KEYS_ENCRYPTION_KEY and KEYS_ENCRYPTION_KEY_FILE: set one/,
    );
  });

  test('accepts production without DEMO when Redis is configured (the demo is off by default)', () => {
    const env: NodeJS.ProcessEnv = { ...validProduction };
    delete env.DEMO;
    expect(loadSettings(env).demo).toBeUndefined();
  });
});

describe('loadSettings edge values', () => {
  test('an empty variable counts as unset', () => {
    const settings = loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, PORT: '', ISSUER: ' ', REDIS_URL: '' });
    expect(settings.port).toBe(3000);
    expect(settings.issuer).toBe('http://localhost:3000');
    expect(settings.redis).toBeUndefined();
  });

  test.each(['0x50', '1e3', '80.5', '-1'])('PORT=%s is not a port', (port) => {
    expect(settingsMessage({ CONFIG_DIR: FIXTURES_CONFIG, PORT: port })).toMatch(/PORT: /);
  });

  test('host:port lists refuse ports out of range', () => {
    expect(settingsMessage({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_SENTINELS: 'h:99999' })).toMatch(/REDIS_SENTINELS: .*1 to 65535/);
    expect(settingsMessage({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_CLUSTER_NODES: 'h:0' })).toMatch(/REDIS_CLUSTER_NODES: /);
  });

  test('every trailing slash leaves the issuer', () => {
    expect(loadSettings({ CONFIG_DIR: FIXTURES_CONFIG, ISSUER: 'https://op.example.test//' }).issuer).toBe('https://op.example.test');
  });

  test('production names its refusals even when demo.json is missing', () => {
    const message = settingsMessage({ NODE_ENV: 'production', CONFIG_DIR: configDir() });
    expect(message).toContain('NODE_ENV=production refuses to start');
    expect(message).toContain('REDIS_URL');
    expect(message).not.toContain('demo.json');
  });

  test.each(['javascript:alert(1)', 'data:text/html,x', 'ftp://files.example/x'])('a client_uri of %s is refused in config files', (uri) => {
    const dir = configDir({ 'clients.json': [client({ client_uri: uri })] });
    expect(settingsMessage({ CONFIG_DIR: dir, DEMO: 'false' })).toMatch(/\[0\]\.client_uri: expected an absolute http or https URL/);
  });
});

function settingsMessage(env: NodeJS.ProcessEnv): string {
  return settingsError(env).message;
}
