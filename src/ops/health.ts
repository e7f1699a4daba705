/**
 * Liveness and readiness for orchestrators and load balancers. /healthz: the process answers. /readyz: it can
 * serve sign-ins now (Redis answers a PING within a second, signing keys are loaded); a 503 takes the
 * instance out of rotation until it recovers, without restarting it.
 */
import type { Middleware } from 'koa';
import type { RedisClient } from '../storage/redis.js';

export interface Readiness {
  /** The Redis client, or undefined for the in-memory store. */
  redis: RedisClient | undefined;
  /** How many signing keys are in service. */
  keyCount(): number;
}

const PING_TIMEOUT_MS = 1000;

async function redisAnswers(redis: RedisClient): Promise<boolean> {
  // Not connected: say so at once rather than queue a PING behind the reconnection.
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)));
  try {
    return await Promise.race([redis.ping().then((r) => r === 'PONG', () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
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
    const checks = {
      redis: redis ? ((await redisAnswers(redis)) ? 'ok' : 'unavailable') : 'memory',
      keys: keyCount() > 0 ? 'ok' : 'missing',
    };
    const ready = checks.redis !== 'unavailable' && checks.keys === 'ok';
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks };
  };
}
