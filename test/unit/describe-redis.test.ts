import { describe, expect, test } from '@jest/globals';
import { describeRedis } from '../../src/storage/redis.js';

describe('describeRedis: where a failed connection was aimed, as the operator set it', () => {
  test('REDIS_URL, its password masked and its user kept', () => {
    expect(describeRedis({ mode: 'standalone', url: 'rediss://ops:s3cret@redis.internal:6380/2', keyPrefix: '' })).toBe('REDIS_URL rediss://ops:***@redis.internal:6380/2');
    expect(describeRedis({ mode: 'standalone', url: 'redis://127.0.0.1:6379', keyPrefix: '' })).toBe('REDIS_URL redis://127.0.0.1:6379');
  });

  test('the Sentinels with the master name, and the Cluster nodes; no credential from REDIS_URL', () => {
    const sentinels = [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }];
    expect(describeRedis({ mode: 'sentinel', sentinels, name: 'mymaster', url: 'redis://:pw@ignored', keyPrefix: '' })).toBe('REDIS_SENTINELS s1:26379,s2:26380 (master mymaster)');
    expect(describeRedis({ mode: 'cluster', nodes: [{ host: '10.0.0.1', port: 7000 }], url: 'redis://:pw@ignored', keyPrefix: '' })).toBe('REDIS_CLUSTER_NODES 10.0.0.1:7000');
  });
});
