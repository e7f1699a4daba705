/** Whether an error means the store cannot be reached right now (answer 503 and retry), not a bug. */
const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);
const UNAVAILABLE_MESSAGES = /Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|enableOfflineQueue|Command timed out|CLUSTERDOWN|LOADING|None of the sentinels are available/;

export function isStorageUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return UNAVAILABLE_NAMES.has(err.name) || UNAVAILABLE_MESSAGES.test(err.message);
}
