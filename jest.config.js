/** Jest runs our TypeScript as native ESM (oidc-provider is ESM-only); `npm test` type-checks the whole tree first. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true } }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  // Most files wait on child processes, Redis and Chromium rather than the CPU: two at a time on two cores.
  maxWorkers: 2,
};
