/**
 * Suites that run only where they can: skipped in the open, with the reason printed, never passing by returning
 * early from their tests.
 */
import { describe } from '@jest/globals';
import { externalRedis } from './redis-server.js';

/** `describe` when `condition` holds, otherwise `describe.skip`: jest then reports the suite as skipped. */
export const describeIf = (condition: boolean) => (condition ? describe : describe.skip);

/**
 * A suite that needs a redis-server of its own (it stops, pauses, flushes or configures it): skipped when REDIS_URL
 * names a server that every test file shares, the reason in its title and on stderr (jest shows no console output
 * of a file whose tests are all skipped). Jest runs no beforeAll/afterAll of such a file, so it starts nothing.
 */
export function describeWithOwnRedis(reason: string): (name: string, suite: () => void) => void {
  return (name, suite) => {
    if (externalRedis() === undefined) return describe(name, suite);
    const why = `${reason}, and REDIS_URL names a shared server`;
    process.stderr.write(`skipped "${name}": ${why}\n`);
    describeIf(false)(`${name} (skipped: ${why})`, suite);
  };
}
