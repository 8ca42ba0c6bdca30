import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests share one Redis and bind ephemeral ports; two workers keep a 2-core machine responsive.
    maxWorkers: 2,
  },
});
