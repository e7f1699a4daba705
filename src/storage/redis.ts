/** One ioredis client (standalone, Sentinel or Cluster) from RedisSettings. */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '../settings.js';
import { failFastWhileDown } from './fail-fast-cluster.js';

export type RedisClient = Redis | Cluster;

function credentials(url: string | undefined): RedisOptions {
  if (!url) return {};
  const u = new URL(url);
  return {
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/** Options every connection shares: batched round trips, and fail fast rather than queue forever while Redis is away. */
const common: RedisOptions = {
  enableAutoPipelining: true,
  maxRetriesPerRequest: 1,
  connectTimeout: 5000,
  lazyConnect: true,
};

export function createRedis(settings: RedisSettings, connectionName = 'oidc-op'): RedisClient {
  // While disconnected, a command fails at once (503 with Retry-After) instead of queueing until the retries
  // give up, which held requests ~20 s in a long outage. Not for Cluster nodes: the cluster connects them
  // lazily; the Cluster client itself fails fast while down (fail-fast-cluster.ts).
  const options: RedisOptions = { ...common, connectionName, keyPrefix: settings.keyPrefix || undefined, enableOfflineQueue: false };
  switch (settings.mode) {
    case 'standalone':
      return new Redis(settings.url, options);
    case 'sentinel':
      return new Redis({ ...options, ...credentials(settings.url), sentinels: settings.sentinels, name: settings.name });
    case 'cluster': {
      const clusterOptions: ClusterOptions = {
        enableAutoPipelining: true,
        lazyConnect: true,
        keyPrefix: settings.keyPrefix || undefined,
        redisOptions: { ...common, connectionName, ...credentials(settings.url) },
      };
      return failFastWhileDown(new Cluster(settings.nodes, clusterOptions));
    }
  }
}
