/** The rate-limit verdict: pure policy (the counters themselves: test/integration/window-counter.test.ts). */
import { describe, expect, test } from '@jest/globals';
import { waitAfter } from '../../src/limits/rate-limit.js';

describe('waitAfter', () => {
  const policy = { limit: 3, windowSeconds: 60 };
  test('0 within the limit; past it, what is left of the window, at least 1 second and at most the window', () => {
    expect(waitAfter({ count: 3, resetIn: 40 }, policy)).toBe(0);
    expect(waitAfter({ count: 4, resetIn: 40 }, policy)).toBe(40);
    expect(waitAfter({ count: 4, resetIn: 0 }, policy)).toBe(1);
    expect(waitAfter({ count: 4, resetIn: 600 }, policy)).toBe(60);
  });
});
