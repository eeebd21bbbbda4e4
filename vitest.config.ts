import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // GEOS and the CLI subprocesses are CPU-bound: two files at a time on a 2-core machine.
    maxWorkers: 2,
  },
});
