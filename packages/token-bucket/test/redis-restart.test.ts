import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { runWorker, type WorkerReport } from './helpers.ts';

const REDIS_SERVER = '/usr/bin/redis-server';
const found = existsSync(REDIS_SERVER);
if (!found) {
  console.warn(`redis-restart.test.ts: skipped, ${REDIS_SERVER} not found (install redis-server to run it)`);
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Starts a private, non-persistent redis-server on `port` and resolves once it accepts commands. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
    {
      stdio: 'ignore',
    },
  );
  const probe = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect();
        await probe.ping();
        return child;
      } catch {
        probe.disconnect();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`redis-server did not start on port ${port}`);
  } finally {
    probe.disconnect();
  }
}

const stopRedis = (child: ChildProcess | undefined) =>
  new Promise<void>((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

let redisChild: ChildProcess | undefined;
afterAll(() => stopRedis(redisChild));

// In CI (`CI=true`) a missing redis-server is a failure, not a skip.
describe.skipIf(!found && process.env.CI !== 'true')(
  `a Redis killed and restarted mid-run${found ? '' : ` (skipped: ${REDIS_SERVER} not found)`}`,
  () => {
    it('loses no call and holds none: processes fall back to local buckets, then return to Redis', async () => {
      const port = await freePort();
      redisChild = await startRedis(port);
      const env = {
        REDIS_URL: `redis://127.0.0.1:${port}`,
        PREFIX: 'restart',
        KEY: 'shared',
        RPM: 120,
        TPM: 12_000,
        WINDOW_MS: 1_000,
        DURATION_MS: 4_000,
        CONCURRENCY: 8,
        MAX_TOKENS: 200,
        STORE_TIMEOUT_MS: 150,
      };
      let ready = 0;
      let running: Promise<WorkerReport>[] = [];
      const allReady = new Promise<void>((resolve) => {
        const onReady = () => {
          if (++ready === 2) resolve();
        };
        running = [1, 2].map((seed) => runWorker({ ...env, SEED: seed }, onReady));
      });
      await allReady;
      await new Promise((r) => setTimeout(r, 1_000));
      await stopRedis(redisChild);
      await new Promise((r) => setTimeout(r, 800));
      redisChild = await startRedis(port);
      const reports = await Promise.all(running);

      for (const report of reports) {
        // Every call finished (the worker only reports once all its loops returned); none failed.
        expect(report.failures).toBe(0);
        expect(report.settled).toBe(report.calls);
        expect(report.events['rate-limit.store-failed']).toBeGreaterThanOrEqual(1);
        expect(report.events['rate-limit.store-recovered']).toBeGreaterThanOrEqual(1);
        // No call was held by the dead Redis: the longest call is a rate-limit wait, not a hang.
        expect(report.maxCallMs).toBeLessThan(1_500);
        expect(report.admissions.length).toBeGreaterThan(20);
      }
      // After the restart the limiter wrote its buckets into the new, empty Redis again.
      const fresh = new Redis({ port, host: '127.0.0.1' });
      try {
        expect(await fresh.exists('{restart:shared}:procs')).toBe(1);
      } finally {
        fresh.disconnect();
      }
    }, 30_000);
  },
);
