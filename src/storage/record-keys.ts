/** Where oidc-provider's records live in Redis: one key per record, hash-tagged by its id (Cluster), and the uid index of sessions. */
import { BucketIndex } from './bucket-index.js';
import type { RedisClient } from './redis.js';

export const recordKey = (model: string, id: string) => `oidc:${model}:{${id}}`;
export const userCodeKey = (userCode: string) => `oidc:UserCode:{${userCode}}`;

/** Sessions by uid (oidc-provider's findByUid): the uid's entry holds the session's id. */
export const sessionUids = (redis: RedisClient) => new BucketIndex(redis, 'SessionUids');
