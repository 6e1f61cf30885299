import { defineConfig } from 'vitest/config';

// Five projects: unit (pure logic, real SQLite files), integration (real servers on loopback),
// fuzz (hostile input at every edge, bounded in time), timing (measurements held to a few ms, alone), e2e (Debian Chromium against `calldeck serve`, needs `npm run build` first).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'fuzz',
          include: ['test/fuzz/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Each file starts a whole app; one at a time keeps memory and timing bounds meaningful.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'timing',
          include: ['test/timing/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Held to ±20 ms: another test file's CPU beside it would be measured as its error.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One browser at a time on a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
