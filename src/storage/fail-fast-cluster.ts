/**
 * A Redis Cluster client that fails commands at once while the cluster is down, as the standalone and Sentinel
 * clients do with `enableOfflineQueue: false`, so pages answer 503 with Retry-After instead of hanging.
 *
 * The cluster's offline queue cannot simply be off. ioredis 6 reads that option in two places (cluster/index.js,
 * sendCommand): with no node to send to (the cluster not ready: starting, or reconnecting after losing every
 * node) it queues the command or rejects it; and with the cluster ready, off means a command whose node
 * connection is still opening is rejected, which is how the cluster opens its nodes: lazily, on their first
 * commands, at start-up and after slot refreshes. Off from the start, such commands bounce to random nodes
 * through MOVED redirects and 100 ms retry delays, or fail once the redirections run out.
 *
 * So the option follows the cluster's state: on until the cluster is first ready (start-up connects as usual)
 * and whenever it is ready (stock behaviour); off while a cluster that was ready is not, so commands then fail
 * with "Cluster isn't ready and enableOfflineQueue options is false" (storage/unavailable.ts), including those
 * being retried when the nodes went away. ioredis keeps reconnecting meanwhile (clusterRetryStrategy) and the
 * option is on again the moment it is ready.
 */
import type { Cluster } from 'ioredis';

export function failFastWhileDown(cluster: Cluster): Cluster {
  let wasReady = false;
  cluster.once('ready', () => (wasReady = true));
  // Not enumerable: duplicate() copies the options, and a duplicate (a subscriber) keeps ioredis' default.
  Object.defineProperty(cluster.options, 'enableOfflineQueue', {
    get: () => !wasReady || cluster.status === 'ready',
    enumerable: false,
    configurable: true,
  });
  return cluster;
}
