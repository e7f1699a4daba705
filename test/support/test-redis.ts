/** One redis-server and one client for a test file (jest hooks, so not for bench/, which starts its own server). */
import { afterAll, beforeAll } from '@jest/globals';
import { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from './redis-server.js';

export interface TestRedisClient {
  server(): TestRedis;
  /** A client isolated by the file's key prefix. */
  redis(): Redis;
  /** Deletes every key this file wrote. */
  clear(): Promise<void>;
}

/** A redis-server and one client for the test file, started before its tests and stopped after them. */
export function useTestRedis(): TestRedisClient {
  let server: TestRedis | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    server = await startTestRedis();
    redis = new Redis(server.url, { keyPrefix: server.prefix });
  });
  afterAll(async () => {
    await redis?.quit();
    await server?.close();
  });
  return {
    server: () => server!,
    redis: () => redis!,
    async clear() {
      const keys = await redis!.keys(`${server!.prefix}*`);
      if (keys.length) await redis!.del(...keys.map((k) => k.slice(server!.prefix.length)));
    },
  };
}
