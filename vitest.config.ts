import { defineConfig } from 'vitest/config';

const everyTest = [
  'apps/*/src/**/*.test.ts',
  'apps/*/test/**/*.test.ts',
  'packages/*/src/**/*.test.ts',
  'packages/*/test/**/*.test.ts',
  'bench/test/**/*.test.ts',
  'test/**/*.test.ts',
];
/** Tests that start processes or talk to PostgreSQL or Redis end in .int.test.ts; the rest need nothing running. */
const INTEGRATION = '**/*.int.test.ts';

export default defineConfig({
  test: {
    // Integration tests mostly wait on child processes and the database, not on this process's CPU, so two
    // files at a time use a two-core machine better than vitest's default of one (cores - 1).
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', include: everyTest, exclude: ['**/node_modules/**', '**/dist/**', INTEGRATION], testTimeout: 30_000, pool: 'forks' } },
      {
        test: {
          name: 'integration',
          include: everyTest.map((pattern) => pattern.replace(/\.test\.ts$/, '.int.test.ts')),
          exclude: ['**/node_modules/**', '**/dist/**'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
    ],
  },
});
