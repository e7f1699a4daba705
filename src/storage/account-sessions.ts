/**
 * An account's sessions, as items of the account's entry in a bucket index: what `user sessions` lists and ends
 * without scanning Redis. Written by the adapter with each save of a signed-in session, each item expiring with its
 * session; a session destroyed leaves its id until the next listing drops it. Hash-tagged per bucket (Cluster).
 */
import { BucketIndex } from './bucket-index.js';
import type { RedisClient } from './redis.js';

export const accountSessions = (redis: RedisClient) => new BucketIndex(redis, 'AccountSessions');

