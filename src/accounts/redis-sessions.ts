/** An account's sessions on Redis: the account's entry in the session index (storage/account-sessions.ts) and the adapter's records. */
import type { AdapterPayload } from 'oidc-provider';
import type { SessionStore } from './sessions.js';
import { accountSessions } from '../storage/account-sessions.js';
import type { BucketIndex } from '../storage/bucket-index.js';
import { RedisAdapter } from '../storage/redis-adapter.js';
import { parseSeen, sessionSeenKey, type SessionSeen } from '../storage/session-seen.js';
import type { RedisClient } from '../storage/redis.js';

export class RedisSessions implements SessionStore {
  readonly #sessions: RedisAdapter;
  readonly #index: BucketIndex;
  readonly #redis: RedisClient;

  constructor(redis: RedisClient) {
    this.#redis = redis;
    this.#sessions = new RedisAdapter(redis, 'Session');
    this.#index = accountSessions(redis);
  }

  ids(accountId: string): Promise<string[]> {
    return this.#index.read(accountId);
  }

  read(id: string): Promise<AdapterPayload | undefined> {
    return this.#sessions.find(id);
  }

  async seen(id: string): Promise<SessionSeen | undefined> {
    return parseSeen(await this.#redis.get(sessionSeenKey(id)));
  }

  destroy(id: string): Promise<void> {
    return this.#sessions.destroy(id);
  }

  async forget(accountId: string, ids: readonly string[]): Promise<void> {
    if (ids.length) await this.#index.change(accountId, 'drop', [...ids]);
  }
}
