/** Jest runs our TypeScript as native ESM (oidc-provider is ESM-only); `npm test` type-checks the whole tree first. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true } }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Many e2e tests spawn the command line (tsx compiling on the fly) several times: allow for a loaded machine.
  testTimeout: 60000,
  // Most files wait on child processes, Redis and Chromium rather than the CPU: two at a time on two cores.
  maxWorkers: 2,
  // A worker ends the suite holding ~1.2 GB (every file's modules, loaded in its own vm context); with no handle
  // left open it still takes 0.5-0.7 s from its 'exit' event to being gone, past jest's default 500 ms, after which
  // jest kills it and reports a leak that is not there. A worker that really leaks a handle is still killed, after 5 s.
  workerGracefulExitTimeout: 5000,
};
