/** A store that cannot be reached right now: how to recognise it, and the one Retry-After every 503 for it carries. */

/** Seconds a client is asked to wait (Retry-After) while the store is away. */
export const RETRY_AFTER_SECONDS = 5;

/** Whether an error means the store cannot be reached right now (answer 503 and retry), not a bug. */
const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);
const UNAVAILABLE_MESSAGES = /Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|enableOfflineQueue|Command timed out|CLUSTERDOWN|LOADING|None of the sentinels are available/;

export function isStorageUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return UNAVAILABLE_NAMES.has(err.name) || UNAVAILABLE_MESSAGES.test(err.message);
}
