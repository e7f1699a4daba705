/**
 * Liveness and readiness for orchestrators and load balancers. /healthz: the process answers. /readyz: it can
 * serve sign-ins now (Redis answers within a second — through Sentinel, the master; on a Cluster, every master,
 * each saying cluster_state:ok — and signing keys are loaded); a 503 takes the instance out of rotation until it
 * recovers, without restarting it.
 */
import type { Cluster, Redis } from 'ioredis';
import type { Middleware } from 'koa';
import type { RedisClient } from '../storage/redis.js';

export interface Readiness {
  /** The Redis client, or undefined for the in-memory store. */
  redis: RedisClient | undefined;
  /** How many signing keys are in service. */
  keyCount(): number;
}

const PROBE_TIMEOUT_MS = 1000;

interface RedisCheck {
  redis: 'ok' | 'unavailable' | 'memory';
  /** Cluster only: what the masters say of the cluster ('fail' if one says so), or 'unknown' if none answers. */
  cluster_state?: string;
}

/** The answer, or undefined when it fails or does not come within the probe timeout. */
async function answer<T>(ask: () => Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PROBE_TIMEOUT_MS)));
  try {
    return await Promise.race([ask().catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Standalone: PONG. Sentinel: the node the client follows is still the master (not one demoted by a failover). */
async function nodeCheck(redis: Redis): Promise<RedisCheck> {
  // Not connected: say so at once rather than queue a probe behind the reconnection.
  if (redis.status !== 'ready') return { redis: 'unavailable' };
  const ok = redis.options.sentinels?.length
    ? (await answer(() => redis.call('ROLE') as Promise<unknown[]>))?.[0] === 'master'
    : (await answer(() => redis.ping())) === 'PONG';
  return { redis: ok ? 'ok' : 'unavailable' };
}

export const clusterStateOf = (info: string | undefined) => info?.match(/^cluster_state:(\w+)/m)?.[1];

/**
 * Every master the client knows answers CLUSTER INFO with cluster_state:ok. A PING to any live node is not
 * enough: with a master lost, the others still answer while its slots, and then the whole cluster, do not.
 */
async function clusterCheck(cluster: Cluster): Promise<RedisCheck> {
  const masters = cluster.nodes('master');
  if (cluster.status !== 'ready' || !masters.length) return { redis: 'unavailable', cluster_state: 'unknown' };
  const states = await Promise.all(masters.map((node) => answer(() => node.cluster('INFO') as Promise<string>).then(clusterStateOf)));
  const known = states.filter((s): s is string => s !== undefined);
  const cluster_state = known.find((s) => s !== 'ok') ?? known[0] ?? 'unknown';
  const ok = known.length === states.length && cluster_state === 'ok';
  return { redis: ok ? 'ok' : 'unavailable', cluster_state };
}

function redisCheck(redis: RedisClient | undefined): Promise<RedisCheck> {
  if (!redis) return Promise.resolve({ redis: 'memory' });
  return redis.isCluster ? clusterCheck(redis as Cluster) : nodeCheck(redis as Redis);
}

export function healthRoutes({ redis, keyCount }: Readiness): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/healthz' && ctx.path !== '/readyz') return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      return;
    }
    ctx.set('Cache-Control', 'no-store');
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return;
    }
    const checks = { ...(await redisCheck(redis)), keys: keyCount() > 0 ? 'ok' : 'missing' };
    const ready = checks.redis !== 'unavailable' && checks.keys === 'ok';
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks };
  };
}
