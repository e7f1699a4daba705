/**
 * WORKERS > 1: this process becomes a node:cluster primary that serves nothing itself and keeps `count` workers
 * running src/main.ts, which share the listening port. Everything a worker holds that others must agree on
 * (signing and cookie keys, sessions, runtime settings) lives in Redis, which settings.ts requires for this.
 * The primary also answers the workers' requests for everyone's metrics (ops/worker-metrics.ts), so a scrape
 * counts all workers. A worker that dies is replaced, with a growing delay while replacements keep dying;
 * stop() asks every worker to stop gracefully (SIGTERM) and resolves once all have exited.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { gatherWorkerMetrics } from './ops/worker-metrics.js';

interface Primary {
  /** The port the workers share, once every worker listens. Rejects if a worker dies before. */
  ready: Promise<number>;
  stop(): Promise<void>;
}

/** A worker that lived this long is a healthy one: its death resets the backoff. */
const HEALTHY_AFTER_MS = 10_000;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;

/** The delay before replacing a worker after `failures` quick deaths in a row. */
export const restartDelay = (failures: number) => Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1), MAX_DELAY_MS);

/**
 * V8's helper threads (concurrent garbage collection and compilation) per worker. V8 starts one per core in every
 * process; with a worker per core that is cores² threads contending for the cores the workers' event loops need.
 * The workers share the cores instead (docs/performance.md).
 */
export const v8PoolSize = (workers: number, cores: number) => Math.max(1, Math.floor(cores / workers));

/**
 * The V8 flags of each worker: its share of the helper threads, and, when that share is one thread, garbage
 * collection on the worker's own thread (`--single-threaded-gc`): with every core running a worker, handing marking
 * and scavenging to a helper only makes it wait for a core (docs/performance.md).
 */
export function workerV8Flags(workers: number, cores: number): string[] {
  const pool = v8PoolSize(workers, cores);
  return [`--v8-pool-size=${pool}`, ...(pool === 1 ? ['--single-threaded-gc'] : [])];
}

function startPrimary(count: number, logger: Logger): Primary {
  let stopping = false;
  let quickDeaths = 0;
  let starting = true;
  const startedAt = new Map<Worker, number>();
  const timers = new Set<NodeJS.Timeout>();

  const fork = () => startedAt.set(cluster.fork(), Date.now());

  const ready = new Promise<number>((resolve, reject) => {
    let listening = 0;
    cluster.on('listening', (_worker, address) => {
      if (starting && ++listening === count) {
        starting = false;
        resolve(address.port);
      }
    });
    cluster.on('exit', (worker, code, signal) => {
      const lived = Date.now() - (startedAt.get(worker) ?? Date.now());
      startedAt.delete(worker);
      if (stopping) return;
      if (starting) {
        stopping = true;
        for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
        reject(new Error(`a worker exited (${signal ?? `code ${code}`}) before all ${count} were listening`));
        return;
      }
      quickDeaths = lived >= HEALTHY_AFTER_MS ? 1 : quickDeaths + 1;
      const delay = restartDelay(quickDeaths);
      // Not `pid`: every line already has pino's own, the primary's, and JSON with the key twice is ambiguous.
      logger.error({ worker: worker.process.pid, code, signal, restartInMs: delay }, 'worker died: replacing it');
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) fork();
      }, delay);
      timers.add(timer);
    });
  });

  cluster.setupPrimary({ execArgv: [...process.execArgv, ...workerV8Flags(count, availableParallelism())] });
  for (let i = 0; i < count; i++) fork();

  return {
    ready,
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker.once('exit', () => resolve());
              worker.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/** Forks the workers and resolves once all of them listen, as startServer does for one process. */
export async function startWorkers(count: number, logger: Logger): Promise<{ port: number; close(): Promise<void> }> {
  gatherWorkerMetrics();
  const primary = startPrimary(count, logger);
  const port = await primary.ready;
  return { port, close: () => primary.stop() };
}
