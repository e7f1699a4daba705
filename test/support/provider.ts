/** Starts the real server (in this process) on a free port with the test fixtures, on the given Redis. */
import { afterAll, beforeAll } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { startServer, type RunningServer } from '../../src/server.js';
import { loadSettings, type Settings } from '../../src/config/settings.js';
import { freePort } from './ports.js';
import { startTestRedis, type TestRedis } from './redis-server.js';

export const FIXTURES_CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'config');

export const ALICE = { sub: '5ab1e5ab1e5ab1e5ab1e5ab1e5ab1e00', username: 'alice', password: 'correct horse battery' };
export const BOB = { sub: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0', username: 'bob', password: "bob's long password" };
export const RP = 'https://rp.example.test/cb';

/** Cheap argon2id for tests: the hashing is real, the cost is not what production uses. */
export const FAST_ARGON2 = { ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1' };

/** Limits no test's own traffic reaches. */
export const NO_FLOOD_LIMITS = { INTERACTION_RATE_LIMIT: '100000', REGISTRATION_RATE_LIMIT: '100000' };

export async function testEnv(redis: TestRedis | undefined, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const port = await freePort();
  return {
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: `http://127.0.0.1:${port}`,
    CONFIG_DIR: FIXTURES_CONFIG,
    DEMO: 'true',
    LOG_LEVEL: 'silent',
    ...FAST_ARGON2,
    // Every test signs in and registers from 127.0.0.1: the flood limits have their own tests (interaction-flood,
    // registration-limits), which set them low.
    ...NO_FLOOD_LIMITS,
    ...(redis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix } : {}),
    ...extra,
  };
}

export interface TestProvider extends RunningServer {
  issuer: string;
  settings: Settings;
}

export async function startTestProvider(redis: TestRedis | undefined, extra: Record<string, string> = {}, logger: Logger = pino({ level: 'silent' })): Promise<TestProvider> {
  const settings = loadSettings(await testEnv(redis, extra));
  const running = await startServer(settings, logger);
  return { ...running, issuer: settings.issuer, settings };
}

export interface ProviderFixture {
  readonly op: TestProvider;
  readonly redis: TestRedis;
}

/** A redis-server and a provider for the test file: started before its tests, stopped after them. */
export function useProvider(extra: Record<string, string> = {}): ProviderFixture {
  let redis: TestRedis | undefined;
  let op: TestProvider | undefined;
  beforeAll(async () => {
    redis = await startTestRedis();
    op = await startTestProvider(redis, extra);
  });
  afterAll(async () => {
    await op?.close(500);
    await redis?.close();
  });
  return {
    get op() {
      if (!op) throw new Error('the provider starts in beforeAll');
      return op;
    },
    get redis() {
      if (!redis) throw new Error('redis starts in beforeAll');
      return redis;
    },
  };
}
