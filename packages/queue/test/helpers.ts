import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { removeQueue } from '../src/index.ts';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const WORKER = fileURLToPath(new URL('./fixtures/queue-worker.ts', import.meta.url));

/** A queue name no other test run uses. */
export function uniqueName(label: string): string {
  return `unfazed-test-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every RabbitMQ queue and Redis key of the queues `names` (on `url`). */
export async function cleanUp(names: readonly string[], url = AMQP_URL, redisUrl = REDIS_URL): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    for (const name of names) await removeQueue({ url, redis, name });
  } finally {
    redis.disconnect();
  }
}

/** A worker child process (test/fixtures/queue-worker.ts). */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Resolves once it consumes. */
  readonly ready: Promise<void>;
  /** Resolves with its report after a SIGTERM (undefined when it was killed), or rejects on a crash. */
  readonly exited: Promise<WorkerReport | undefined>;
}

export interface WorkerReport {
  pid: number;
  id: string;
  counts: Record<string, number>;
  statuses: Record<string, number>;
}

export function spawnWorker(env: Record<string, string | number>): WorkerProcess {
  const child = spawn(process.execPath, [WORKER], {
    env: {
      ...process.env,
      AMQP_URL,
      REDIS_URL,
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout!.on('data', (chunk) => {
    out += chunk;
    if (out.includes('ready\n')) onReady();
  });
  child.stderr!.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<WorkerReport | undefined>((resolve, reject) => {
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') return resolve(undefined);
      if (code !== 0) return reject(new Error(`worker exited with ${code ?? signal}: ${err}`));
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last) as WorkerReport);
      } catch {
        reject(new Error(`worker printed no report: ${out} ${err}`));
      }
    });
  });
  exited.catch(() => {});
  return { child, ready, exited };
}

/** Stops a worker process with SIGTERM and returns its report. */
export async function stopWorker(w: WorkerProcess): Promise<WorkerReport | undefined> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  return w.exited;
}

/** Kills any worker still running (afterAll), so no test leaves a process behind. */
export function killAll(workers: readonly WorkerProcess[]): Promise<unknown> {
  return Promise.all(
    workers.map((w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return undefined;
      w.child.kill('SIGKILL');
      return w.exited.catch(() => undefined);
    }),
  );
}

/** Percentile `p` (0..100) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
