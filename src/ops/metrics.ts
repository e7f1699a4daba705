/**
 * The Prometheus metrics of one process (prom-client), and the route that serves them (under WORKERS, summed
 * over all workers: ops/worker-metrics.ts). Every label takes its values from a closed set (a route name, an
 * OAuth error code, a Redis command), never from raw request input, so the number of series stays bounded
 * whatever clients send.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DirectoryObserver } from '../directories/directory-sign-in.js';
import type { UpstreamObserver, UpstreamOutcome } from '../idps/observed-protocol.js';

/**
 * A histogram's series for one label set, looked up by a key its caller builds: prom-client hashes the label
 * object at every `observe`, and the request log and the Redis client observe on every request and command.
 * The label values come from closed sets, so the map stays as small as the series.
 */
export function seriesOf<T extends string>(histogram: Histogram<T>): (key: string, labels: Partial<Record<T, string | number>>) => { observe(value: number): void } {
  const series = new Map<string, { observe(value: number): void }>();
  return (key, labels) => {
    let one = series.get(key);
    if (!one) series.set(key, (one = histogram.labels(labels)));
    return one;
  };
}

/**
 * How often the event-loop lag histogram samples: each sample is a timer that wakes the process, so prom-client's
 * default keeps an idle instance busy for nothing. Ten samples a second still see every stall longer than 100 ms,
 * the blocking an operator alerts on; a shorter one only when a sample falls due during it.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

export type LoginOutcome = 'success' | 'failure' | 'throttled';

/** What the login routes report: one call per submitted password form. */
export interface LoginMetrics {
  login(outcome: LoginOutcome): void;
}

const RESPONSE_TYPES = new Set(['id_token', 'id_token token', 'code', 'code id_token', 'code token', 'code id_token token', 'none']);
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** An OAuth error code as a label: oidc-provider's codes are snake_case words; anything else is a server error. */
export function errorLabel(err: unknown): string {
  const code = (err as { error?: unknown } | undefined)?.error;
  return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? code : 'server_error';
}

/** A response type as a label, its words in the usual order ('token id_token' counts as 'id_token token'). */
export function responseTypeLabel(value: unknown): string {
  if (typeof value !== 'string') return 'other';
  const normal = value.split(' ').sort().join(' ');
  return RESPONSE_TYPES.has(normal) ? normal : 'other';
}
export const methodLabel = (method: string) => (METHODS.has(method) ? method : 'other');

export class Metrics implements LoginMetrics, DirectoryObserver, UpstreamObserver {
  readonly registry = new Registry();
  readonly directoryUp = new Gauge({
    name: 'oidc_op_directory_up',
    help: 'Whether the directory answered its last sign-in (1) or not (0), by configured directory name',
    labelNames: ['directory'] as const,
    registers: [this.registry],
  });
  readonly directorySignIns = new Histogram({
    name: 'oidc_op_directory_sign_in_duration_seconds',
    help: 'Directory sign-in time (service bind, search, user bind), by configured directory name and outcome',
    labelNames: ['directory', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly upstreamSignIns = new Histogram({
    name: 'oidc_op_upstream_sign_in_duration_seconds',
    help: 'Upstream identity provider answers (OIDC callback, SAML ACS) and failed starts: the time our side spent on each, by configured IdP name and outcome',
    labelNames: ['idp', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly authorizations = new Counter({
    name: 'oidc_op_authorizations_total',
    help: 'Authorization responses by response type and outcome (success, or the OAuth error code)',
    labelNames: ['response_type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly logins = new Counter({
    name: 'oidc_op_logins_total',
    help: 'Password form submissions by outcome (success, failure, throttled)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly throttled = new Counter({
    name: 'oidc_op_login_throttled_total',
    help: 'Login attempts refused by the throttle before the password was checked',
    registers: [this.registry],
  });
  readonly requests = new Histogram({
    name: 'oidc_op_http_request_duration_seconds',
    help: 'HTTP request latency by route (a route name, never the raw path), method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly redisCommands = new Histogram({
    name: 'oidc_op_redis_command_duration_seconds',
    help: 'Redis command latency as this process sees it (queueing and network included), by command',
    labelNames: ['command'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });
  readonly redisErrors = new Counter({
    name: 'oidc_op_redis_errors_total',
    help: 'Redis commands that failed, by command (connection events count under "connection")',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });
  readonly backchannelLogouts = new Counter({
    name: 'oidc_op_backchannel_logout_total',
    help: 'Back-channel logout notices by outcome (delivered, failed after its retries, dropped)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'oidc_op_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  }

  login(outcome: LoginOutcome): void {
    this.logins.inc({ outcome });
    if (outcome === 'throttled') this.throttled.inc();
  }

  signIn(directory: string, seconds: number, outcome: string): void {
    this.directorySignIns.observe({ directory, outcome }, seconds);
  }

  health(directory: string, up: boolean): void {
    this.directoryUp.set({ directory }, up ? 1 : 0);
  }

  upstreamSignIn(idp: string, seconds: number, outcome: UpstreamOutcome): void {
    this.upstreamSignIns.observe({ idp, outcome }, seconds);
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** What a scrape answers: this process's registry, or (in a worker) all workers' through the primary. */
export type Scrape = () => Promise<string>;

/**
 * GET /metrics in Prometheus text. With a token configured, only `Authorization: Bearer <token>` reads it
 * (compared in constant time); without one it is open and the network in front must keep it private.
 */
export function metricsRoute(metrics: Metrics, token: string | undefined, scrape: Scrape = () => metrics.registry.metrics()): Middleware {
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  return async (ctx, next) => {
    if (ctx.path !== '/metrics') return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      return;
    }
    ctx.set('Cache-Control', 'no-store');
    if (expected && !timingSafeEqual(digest(ctx.get('authorization')), expected)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
      ctx.body = { error: 'invalid_token' };
      return;
    }
    let text: string;
    try {
      text = await scrape();
    } catch (err) {
      // A worker that did not answer the primary in time: this scrape fails, the next one is complete again.
      ctx.status = 503;
      ctx.body = { error: 'metrics_unavailable', error_description: (err as Error).message };
      return;
    }
    ctx.type = metrics.registry.contentType;
    ctx.body = text;
  };
}
