import { describe, expect, test } from '@jest/globals';
import { isStorageUnavailable } from '../../src/storage/unavailable.js';

function named(name: string, message = 'x'): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

describe('isStorageUnavailable', () => {
  test.each([
    ['MaxRetriesPerRequestError', named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 1).')],
    ['ClusterAllFailedError', named('ClusterAllFailedError', 'Failed to refresh slots cache.')],
    ['Connection is closed.', new Error('Connection is closed.')],
    ['ECONNREFUSED', new Error('connect ECONNREFUSED 127.0.0.1:6379')],
    ['ECONNRESET', new Error('read ECONNRESET')],
    ['ETIMEDOUT', new Error('connect ETIMEDOUT')],
    ['offline queue', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['command timeout', new Error('Command timed out')],
    ['CLUSTERDOWN', new Error('CLUSTERDOWN The cluster is down')],
    ['a Cluster that is down (fail-fast-cluster.ts)', new Error("Cluster isn't ready and enableOfflineQueue options is false")],
    ['a Cluster slot whose node is down', new Error('Too many Cluster redirections. Last error: Error: Connection is closed.')],
    ['LOADING', new Error('LOADING Redis is loading the dataset in memory')],
    ['sentinels', new Error('All sentinels are unreachable. None of the sentinels are available.')],
  ])('%s → true', (_name, err) => {
    expect(isStorageUnavailable(err)).toBe(true);
  });

  test('an Error subclass is recognised by message', () => {
    class ReplyError extends Error {}
    expect(isStorageUnavailable(new ReplyError('Connection is closed.'))).toBe(true);
  });

  test.each([
    ['a plain Error', new Error('boom')],
    ['a TypeError', new TypeError('Cannot read properties of undefined')],
    ['a WRONGTYPE reply', new Error('WRONGTYPE Operation against a key holding the wrong kind of value')],
  ])('%s → false', (_name, err) => {
    expect(isStorageUnavailable(err)).toBe(false);
  });

  test.each([
    ['a string', 'Connection is closed.'],
    ['a plain object', { name: 'MaxRetriesPerRequestError', message: 'ECONNREFUSED' }],
    ['undefined', undefined],
    ['null', null],
    ['a number', 503],
  ])('%s (not an Error) → false', (_name, value) => {
    expect(isStorageUnavailable(value)).toBe(false);
  });
});
