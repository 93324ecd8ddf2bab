import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'build/**/*.test.ts'],
          environment: 'node',
          // Vitest leaves a core free by default: one worker on 2 cores, and the two statistical
          // tests (each a few minutes of one core) would then run one after the other.
          maxWorkers: 2,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The real page in Debian's Chromium, against a production build served from a sub-path.
        test: {
          name: 'browser',
          include: ['tests/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 360_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
