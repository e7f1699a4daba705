/** The oidc-provider adapter contract against a real standalone redis-server. */
import { afterAll, beforeAll } from '@jest/globals';
import { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { adapterContract } from './adapter-contract.js';

let server: TestRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url, { keyPrefix: server.prefix, enableAutoPipelining: true });
});

afterAll(async () => {
  await redis?.quit();
  await server?.close();
});

adapterContract(() => ({
  redis,
  async clear() {
    const keys = await redis.keys(`${server.prefix}*`);
    if (keys.length) await redis.del(...keys.map((k) => k.slice(server.prefix.length)));
  },
}));
