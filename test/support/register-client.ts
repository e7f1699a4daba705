/** Registers a client as the guide tells an administrator to: `oidc-op client create … --json`, on the test's Redis. */
import type { ProviderFixture } from './provider.js';
import { FAST_ARGON2 } from './provider.js';
import { jsonOf, runCli } from './cli.js';

export async function registerClient(fixture: ProviderFixture, args: string[]): Promise<{ client_id: string; client_secret?: string }> {
  const env = { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test', ...FAST_ARGON2 };
  const result = await runCli(['client', 'create', ...args, '--json'], env);
  if (result.code !== 0) throw new Error(`client create exited ${result.code}: ${result.stderr}`);
  const created = jsonOf(result);
  return { client_id: String(created.client_id), ...(created.client_secret ? { client_secret: String(created.client_secret) } : {}) };
}
