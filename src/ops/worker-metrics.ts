/**
 * Metrics across WORKERS. Each worker counts in its own registry, and a scrape reaches whichever worker the
 * primary handed its connection to. So that worker asks the primary; the primary collects the registry of every
 * listening worker over IPC and sums them with prom-client's AggregatorRegistry.aggregate (counters and
 * histograms summed, process metrics as prom-client defines for each), and sends the text back. The primary
 * still serves no HTTP itself.
 *
 * Not AggregatorRegistry#clusterMetrics: it asks every connected worker, one still loading included, which
 * cannot answer yet, so every scrape in the seconds after a worker was replaced would fail on its timeout.
 * Here a worker is asked once it listens, which is
 * after its registry exists; until then it has counted nothing.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Scrape } from './metrics.js';

/** Worker → primary: the metrics of all workers, please. Primary → worker: here they are (or why not). */
const ASK = 'oidc-op:metrics:ask';
const ANSWER = 'oidc-op:metrics:answer';
/** Primary → worker: your registry, please. Worker → primary: here it is. */
const COLLECT = 'oidc-op:metrics:collect';
const SHARE = 'oidc-op:metrics:share';

/** A worker that has not shared its registry by then is hung or gone: the scrape fails rather than wait. */
const COLLECT_TIMEOUT_MS = 5000;

/** One worker's registry as prom-client serialises it for aggregation. */
type Shared = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

interface Message {
  type: string;
  id: number;
}
interface Answer extends Message {
  text?: string;
  error?: string;
}
interface Share extends Message {
  metrics: Shared;
}

const isMessage = <T extends Message>(message: unknown, type: string): message is T =>
  typeof message === 'object' && message !== null && (message as Message).type === type && typeof (message as Message).id === 'number';

// A worker gone meanwhile has nobody left to answer: a callback keeps that from being an 'error' event.
const ignore = () => undefined;

/** Primary: answers each worker's request with the metrics of all listening workers together. */
export function gatherWorkerMetrics(): void {
  const listening = new Set<Worker>();
  cluster.on('listening', (worker) => listening.add(worker));
  cluster.on('exit', (worker) => listening.delete(worker));
  let nextId = 0;
  const collecting = new Map<number, (metrics: Shared) => void>();

  const collect = (worker: Worker) =>
    new Promise<Shared>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        collecting.delete(id);
        reject(new Error(`worker ${worker.process.pid} did not share its metrics within ${COLLECT_TIMEOUT_MS} ms`));
      }, COLLECT_TIMEOUT_MS);
      collecting.set(id, (metrics) => {
        clearTimeout(timer);
        collecting.delete(id);
        resolve(metrics);
      });
      worker.send({ type: COLLECT, id } satisfies Message, ignore);
    });

  cluster.on('message', (worker, message: unknown) => {
    if (isMessage<Share>(message, SHARE)) collecting.get(message.id)?.(message.metrics);
    if (!isMessage(message, ASK)) return;
    const { id } = message;
    Promise.all([...listening].map(collect))
      .then((all) => AggregatorRegistry.aggregate(all).metrics())
      .then(
        (text) => worker.send({ type: ANSWER, id, text } satisfies Answer, ignore),
        (err: Error) => worker.send({ type: ANSWER, id, error: err.message } satisfies Answer, ignore),
      );
  });
}

/** Worker: shares `registry` with the primary; the returned function scrapes all workers through the primary. */
export function workersMetrics(registry: Registry): Scrape {
  let nextId = 0;
  const waiting = new Map<number, { resolve(text: string): void; reject(err: Error): void }>();
  process.on('message', (message: unknown) => {
    if (isMessage(message, COLLECT)) {
      const { id } = message;
      void registry.getMetricsAsJSON().then((metrics) => process.send!({ type: SHARE, id, metrics } satisfies Share, undefined, undefined, ignore));
    }
    if (!isMessage<Answer>(message, ANSWER)) return;
    const request = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.text !== undefined) request?.resolve(message.text);
    else request?.reject(new Error(message.error ?? 'no metrics'));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      process.send!({ type: ASK, id } satisfies Message, undefined, undefined, (err: Error | null) => {
        if (!err) return;
        waiting.delete(id);
        reject(err);
      });
    });
}
