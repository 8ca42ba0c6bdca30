// Several worker processes (Node 24 on the .ts sources) share one account through the Redis
// limiter, against the chaos server at 1000 RPM / 200k TPM on a 6 s window, offered twice that.
import { startChaosServer } from '@unfazed/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createProducer, type Job } from '../src/index.ts';
import {
  AMQP_URL,
  cleanUp,
  killAll,
  REDIS_URL,
  spawnWorker,
  stopWorker,
  uniqueName,
  type WorkerProcess,
} from './helpers.ts';

const WINDOW_MS = 6_000;
const RPM = 1_000;
const TPM = 200_000;
const name = uniqueName('load');
const redis = new Redis(REDIS_URL);
const workers: WorkerProcess[] = [];

afterAll(async () => {
  await killAll(workers);
  await cleanUp([name]);
  redis.disconnect();
});

// About 200 tokens each (prompt ~40 + max_tokens 120..200): both limits bind at the same pace.
const request = (i: number) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: `Job ${i}: ${'write a short line. '.repeat(1 + (i % 12))}` }],
  max_tokens: 120 + ((i * 37) % 80),
});

describe('three worker processes sharing the limit through Redis', () => {
  it('complete every job once, with ≤ 1 % 429s, using the whole quota', async () => {
    const server = await startChaosServer({ rpm: RPM, tpm: TPM, windowMs: WINDOW_MS, maxLogEntries: 50_000 });
    try {
      for (let i = 0; i < 3; i++) {
        workers.push(spawnWorker({ NAME: name, BASE_URL: server.url, RPM, TPM, WINDOW_MS, CONCURRENCY: 16 }));
      }
      await Promise.all(workers.map((w) => w.ready));
      const producer = createProducer({ url: AMQP_URL, redis, name });
      // Offered: 2 × 1000 per 6 s window, for 1.25 windows: the server's full bucket (a whole window,
      // as OpenAI's) is spent after 6 s, and a backlog builds up for the last 1.5 s.
      const offered = 2_500;
      const ratePerMs = (2 * RPM) / WINDOW_MS;
      const jobs: Promise<Job>[] = [];
      const started = performance.now();
      for (let i = 0; i < offered; i++) {
        const due = started + i / ratePerMs;
        const wait = due - performance.now();
        if (wait > 2) await new Promise((r) => setTimeout(r, wait));
        jobs.push(producer.enqueue(request(i), { tags: { n: String(i) } }));
      }
      const handles = await Promise.all(jobs);
      const results = await Promise.allSettled(handles.map((j) => j.result()));
      const drainedMs = performance.now() - started;
      await producer.close();
      const reports = await Promise.all(workers.map(stopWorker));

      const failed = results.flatMap((r) =>
        r.status === 'rejected' ? [r.reason as { message: string }] : [],
      );
      expect(failed.slice(0, 3).map((e) => e.message)).toEqual([]);
      const stats = server.stats();
      const tooMany = stats.byStatus[429] ?? 0;
      expect(tooMany / stats.total).toBeLessThanOrEqual(0.01);
      // The server saw each job's client request id succeed exactly once.
      const successes = new Map<string, number>();
      for (const r of stats.requests) {
        if (r.status === 200) successes.set(r.clientRequestId!, (successes.get(r.clientRequestId!) ?? 0) + 1);
      }
      expect(successes.size).toBe(offered);
      expect(Math.max(...successes.values())).toBe(1);
      // Every worker took part, and together they ran at the limit: the backlog drained at the
      // server's pace, not slower.
      for (const report of reports) expect(report?.counts['queue.completed']).toBeGreaterThan(100);
      const ok = stats.requests.filter((r) => r.status === 200);
      const spanMs = ok.at(-1)!.time - ok[0]!.time;
      const capacity = RPM + (RPM * spanMs) / WINDOW_MS;
      const tokenCapacity = TPM + (TPM * spanMs) / WINDOW_MS;
      const utilisation = Math.max(ok.length / capacity, stats.tokens / tokenCapacity);
      const refused = stats.requests
        .filter((r) => r.status === 429)
        .map((r) => `${r.rateLimit}@${Math.round(r.time)}`);
      console.log(
        `load: ${offered} jobs in ${Math.round(drainedMs)} ms, ${stats.total} attempts, ${tooMany} × 429 (${refused.join(' ')}), utilisation ${utilisation.toFixed(2)}`,
      );
      expect(utilisation).toBeGreaterThan(0.75);
      expect(utilisation).toBeLessThanOrEqual(1.05);
    } finally {
      await server.close();
    }
  }, 60_000);
});
