import { defineConfig } from 'vitest/config';

// Benchmarks are not tests: `npm run bench` runs bench/**/*.run.ts, each printing ratios measured
// side by side in one run. Nothing here fails on a timing, and CI never runs it.
export default defineConfig({
  test: {
    include: ['bench/**/*.run.ts'],
    environment: 'node',
    testTimeout: 30 * 60_000,
    fileParallelism: false,
    reporters: ['verbose'],
  },
});
