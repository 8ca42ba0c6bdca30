import { defineConfig } from 'vitest/config';

// Tests that measure throughput in real time against the chaos server, Redis, RabbitMQ or
// Prometheus (storms, several processes, a broker restarted): they run after the others, one file
// at a time, so no other test file competes with them for the two cores.
const load = [
  'packages/token-bucket/test/chaos.test.ts',
  'packages/token-bucket/test/multi-process.test.ts',
  'packages/token-bucket/test/redis-restart.test.ts',
  'packages/queue/test/load.test.ts',
  'packages/queue/test/crash.test.ts',
  // Pauses the Redis server's writes.
  'packages/queue/test/lease.test.ts',
  'packages/telemetry/test/monitoring.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: load,
          // Tests share one Redis and bind ephemeral ports; two workers keep a 2-core machine responsive.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'load',
          include: load,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
