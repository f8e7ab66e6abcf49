import { defineConfig } from 'vitest/config';

// Three projects: the service's and the emulator's suites (npm test), and the browser suite (npm run test:browser),
// which needs Debian's chromium and so runs on its own.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'service',
          root: 'service',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts'],
          globalSetup: ['./src/test-support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'emulator',
          root: 'emulator',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          // The chaos harness's own tests (its invariant checker); the harness itself runs with `npm run chaos`.
          name: 'chaos',
          root: 'chaos',
          include: ['*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['service/**/*.browser.test.ts', 'emulator/**/*.browser.test.ts'],
          // The service's browser tests need PostgreSQL like its other tests.
          globalSetup: ['./service/src/test-support/global-setup.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
