/** One ioredis client (standalone, Sentinel or Cluster) from RedisSettings. */
import { AppError } from '../errors.js';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { REDIS_TIMEOUT_DEFAULTS, type RedisSettings } from '../config/redis-settings.js';
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
 * Options every connection shares: fail fast rather than queue forever while Redis is away or hung, and no auto-pipelining.
 * ioredis's auto-pipelining builds a pipeline object per batch and keeps one batch in flight per connection, so a
 * request's next command waits for other requests' round trips, which slows the silent path. The commands of one
 * turn of the event loop still leave together, in one write (coalesced-writes.ts; docs/performance.md).
 */
const common: RedisOptions = {
  maxRetriesPerRequest: 1,
  lazyConnect: true,
};

/**
 * A hung Redis (stopped, or stalled on its disk) keeps its connections open and answers nothing: without a
 * command timeout a request waits for it as long as it hangs. The timed-out command stays in ioredis's queue of
 * sent commands, so the late replies still meet the commands they answer and later commands get their own. The
 * connection stays open: dropping it would re-send the unanswered commands (autoResendUnfulfilledCommands) after
 * their requests had given up on them.
 */
function timeoutOptions(settings: RedisSettings): RedisOptions {
  const { commandMs, connectMs } = settings.timeouts ?? REDIS_TIMEOUT_DEFAULTS;
  return { commandTimeout: commandMs, connectTimeout: connectMs };
}

export function createRedis(settings: RedisSettings, connectionName = 'oidc-op'): RedisClient {
  const client = connect(settings, connectionName);
  coalesceWrites(client);
  return client;
}

/** Redis could not be reached when a process opened its stores. Its message names where, never a credential. */
export class RedisUnreachable extends AppError {
  constructor(message: string) {
    super('unavailable', message);
  }
}

const hostPort = ({ host, port }: { host: string; port: number }) => `${host}:${port}`;

/** Where the settings point, as the operator set it: REDIS_URL without its password, the Sentinels or the Cluster nodes. */
export function describeRedis(settings: RedisSettings): string {
  switch (settings.mode) {
    case 'standalone': {
      const url = new URL(settings.url);
      if (url.password) url.password = '***';
      return `REDIS_URL ${url.href}`;
    }
    case 'sentinel':
      return `REDIS_SENTINELS ${settings.sentinels.map(hostPort).join(',')} (master ${settings.name})`;
    case 'cluster':
      return `REDIS_CLUSTER_NODES ${settings.nodes.map(hostPort).join(',')}`;
  }
}

/** How long a process starting up waits for its first connection (Sentinel retries without end otherwise). */
const FIRST_CONNECTION_MS = 10_000;

/**
 * A client, connected, or one failure with the reason. ioredis reports a refused connection as an 'error' event
 * (printed as "Unhandled error event" when nobody listens) and as a rejection saying only that the connection
 * closed, then keeps reconnecting; through Sentinel it never rejects at all. A command-line run would never end,
 * a server never say why it does not start. On failure the client is disconnected.
 */
export async function openRedis(settings: RedisSettings, connectionName?: string): Promise<RedisClient> {
  const client = createRedis(settings, connectionName);
  let reason: Error | undefined;
  const onError = (err: Error) => {
    reason = err;
  };
  client.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  const connecting = client.connect();
  try {
    await Promise.race([
      connecting,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no connection within ${FIRST_CONNECTION_MS / 1000} s`)), FIRST_CONNECTION_MS);
      }),
    ]);
    return client;
  } catch (err) {
    connecting.catch(() => undefined); // settles once disconnected, after the deadline
    client.disconnect();
    throw new RedisUnreachable(`cannot reach Redis at ${describeRedis(settings)}: ${(reason ?? (err as Error)).message}`);
  } finally {
    clearTimeout(timer);
    client.off('error', onError);
  }
}

/**
 * A Cluster with a master lost (down, not yet replaced; or the cluster saying CLUSTERDOWN) answers its slots' commands
 * 503 at once. ioredis's default retries them every 100 ms until 16 redirections are spent: seconds per request,
 * with the outcome the same. MOVED and ASK are still followed at once. Without those retries nothing refreshes the
 * slot map on a connection error, so it is refreshed on a timer: a promoted replica is found within one interval.
 */
const failFastOnLostSlots: ClusterOptions = {
  retryDelayOnFailover: 0,
  retryDelayOnClusterDown: 0,
  slotsRefreshInterval: 2000,
};

function connect(settings: RedisSettings, connectionName: string): RedisClient {
  // While disconnected, a command fails at once (503 with Retry-After) instead of queueing until the retries
  // give up, which held requests ~20 s in a long outage. Not for Cluster nodes: the cluster connects them
  // lazily; the Cluster client itself fails fast while down (fail-fast-cluster.ts).
  const shared: RedisOptions = { ...common, ...timeoutOptions(settings), connectionName };
  const options: RedisOptions = { ...shared, keyPrefix: settings.keyPrefix || undefined, enableOfflineQueue: false };
  switch (settings.mode) {
    case 'standalone':
      return new Redis(settings.url, options);
    case 'sentinel':
      return new Redis({ ...options, ...credentials(settings.url), sentinels: settings.sentinels, name: settings.name });
    case 'cluster': {
      const clusterOptions: ClusterOptions = {
        lazyConnect: true,
        keyPrefix: settings.keyPrefix || undefined,
        redisOptions: { ...shared, ...credentials(settings.url) },
        ...failFastOnLostSlots,
      };
      return failFastWhileDown(new Cluster(settings.nodes, clusterOptions));
    }
  }
}
