/** One ioredis client (standalone, Sentinel or Cluster) from RedisSettings. */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '../settings.js';
import { coalesceWrites } from './coalesced-writes.js';
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

/**
 * Options every connection shares: fail fast rather than queue forever while Redis is away, and no auto-pipelining.
 * ioredis's auto-pipelining builds a pipeline object per batch and keeps one batch in flight per connection, so a
 * request's next command waits for other requests' round trips: on the silent path (three commands in three round
 * trips, 16 connections, 2 cores) it cost ~10% of sign-ins and ~0.1 ms of CPU per sign-in. The commands of one turn
 * of the event loop still leave together, in one write (coalesced-writes.ts; README, Benchmarks).
 */
const common: RedisOptions = {
  maxRetriesPerRequest: 1,
  connectTimeout: 5000,
  lazyConnect: true,
};

export function createRedis(settings: RedisSettings, connectionName = 'oidc-op'): RedisClient {
  const client = connect(settings, connectionName);
  coalesceWrites(client);
  return client;
}

function connect(settings: RedisSettings, connectionName: string): RedisClient {
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
        lazyConnect: true,
        keyPrefix: settings.keyPrefix || undefined,
        redisOptions: { ...common, connectionName, ...credentials(settings.url) },
      };
      return failFastWhileDown(new Cluster(settings.nodes, clusterOptions));
    }
  }
}
