import { availableParallelism } from 'node:os';
import { describe, expect, test } from '@jest/globals';
import { restartDelay, v8PoolSize, workerV8Flags } from '../../src/cluster.js';
import { loadSettings } from '../../src/config/settings.js';
import { SettingsError } from '../../src/config/settings-error.js';
import { FIXTURES_CONFIG } from '../support/provider.js';

const env = (extra: Record<string, string>) => ({ CONFIG_DIR: FIXTURES_CONFIG, REDIS_URL: 'redis://127.0.0.1:1', ...extra });

describe('WORKERS setting', () => {
  test('one process by default', () => {
    expect(loadSettings(env({})).workers).toBe(1);
  });

  test("'auto' is one per core; a number is taken as given", () => {
    expect(loadSettings(env({ WORKERS: 'auto' })).workers).toBe(availableParallelism());
    expect(loadSettings(env({ WORKERS: '3' })).workers).toBe(3);
  });

  test('zero, a fraction or a word is refused naming WORKERS', () => {
    for (const value of ['0', '1.5', 'all']) {
      expect(() => loadSettings(env({ WORKERS: value }))).toThrow(/WORKERS/);
    }
  });

  test('more than one without Redis is refused; one is fine', () => {
    const { REDIS_URL: _none, ...memory } = env({ WORKERS: '2' });
    expect(() => loadSettings(memory)).toThrow(SettingsError);
    expect(() => loadSettings(memory)).toThrow('WORKERS=2: more than one worker needs Redis');
    expect(loadSettings({ ...memory, WORKERS: '1' }).workers).toBe(1);
  });
});

describe('restartDelay', () => {
  test('doubles with each quick death in a row, from half a second up to 30 s', () => {
    expect([1, 2, 3, 4].map(restartDelay)).toEqual([500, 1000, 2000, 4000]);
    expect(restartDelay(20)).toBe(30_000);
  });
});

describe("workers' share of V8's helper threads", () => {
  test('the cores divided among the workers, at least one each', () => {
    expect(v8PoolSize(2, 2)).toBe(1);
    expect(v8PoolSize(4, 16)).toBe(4);
    expect(v8PoolSize(3, 8)).toBe(2);
    expect(v8PoolSize(8, 2)).toBe(1);
  });

  test('garbage collection on the worker itself once its share is one thread', () => {
    expect(workerV8Flags(2, 2)).toEqual(['--v8-pool-size=1', '--single-threaded-gc']);
    expect(workerV8Flags(3, 4)).toEqual(['--v8-pool-size=1', '--single-threaded-gc']);
    expect(workerV8Flags(2, 8)).toEqual(['--v8-pool-size=4']);
  });
});
