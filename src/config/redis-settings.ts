/**
 * How the stores reach Redis: standalone, Sentinel or Cluster, with the key prefix and the timeouts that keep a hung
 * Redis from hanging a request.
 */

/** How long a command waits for its reply, and a connection for its TCP handshake (a hung Redis answers neither). */
export interface RedisTimeouts {
  commandMs: number;
  connectMs: number;
}

export const REDIS_TIMEOUT_DEFAULTS: RedisTimeouts = { commandMs: 2000, connectMs: 5000 };

/** `timeouts` left out (tests, benchmarks): REDIS_TIMEOUT_DEFAULTS. */
export type RedisSettings = { keyPrefix: string; timeouts?: RedisTimeouts } & (
  | { mode: 'standalone'; url: string }
  | { mode: 'sentinel'; sentinels: { host: string; port: number }[]; name: string; url?: string }
  | { mode: 'cluster'; nodes: { host: string; port: number }[]; url?: string }
);
