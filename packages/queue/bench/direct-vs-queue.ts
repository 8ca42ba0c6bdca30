// The story's comparison, in one run: the same traffic at 5× what the limit allows, sent directly
// through createResilientClient() and through the queue. Time is compressed (one API minute = 3 s)
// on one clock shared by the chaos server, the clients and the workers; figures are in API time.
//   node packages/queue/bench/direct-vs-queue.ts        (RabbitMQ on 5672, Redis on 6379)
import { randomUUID } from 'node:crypto';
import { type Clock, realClock } from '@unfazed/core';
import { sleepOn } from '@unfazed/core/internal';
import { createResilientClient } from '@unfazed/openai-adapter';
import { startChaosServer } from '@unfazed/testing';
import { memoryStore } from '@unfazed/token-bucket';
import { Redis } from 'ioredis';
import { createProducer, createWorker, removeQueue } from '../src/index.ts';

const SCALE = 20;
const RPM = 120;
const LOAD_MINUTES = 1;
const OFFERED = 5 * RPM * LOAD_MINUTES;
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function scaledClock(scale: number): Clock {
  const origin = Date.now();
  const real = performance.now();
  const clock: Clock = {
    now: () => origin + (performance.now() - real) * scale,
    sleep: (ms, signal) => sleepOn(clock, ms, signal),
    schedule: (ms, fn) => realClock.schedule(ms / scale, fn),
  };
  return clock;
}

const request = (i: number) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: `Write line ${i} of the product description.` }],
  max_tokens: 150,
});

interface Figures {
  contender: string;
  ok: number;
  p50: number;
  p99: number;
  tooMany: number;
  attempts: number;
}

const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function run(
  contender: string,
  send: (clock: Clock, baseURL: string) => Promise<(i: number) => Promise<unknown>>,
) {
  const clock = scaledClock(SCALE);
  const server = await startChaosServer({
    rpm: RPM,
    tpm: 100_000,
    windowMs: 60_000,
    latencyMs: 40,
    now: () => clock.now(),
  });
  try {
    const call = await send(clock, server.url);
    server.reset();
    const start = clock.now();
    const times: number[] = [];
    let ok = 0;
    const calls: Promise<void>[] = [];
    for (let i = 0; i < OFFERED; i++) {
      const at = start + (i * LOAD_MINUTES * 60_000) / OFFERED;
      if (at > clock.now()) await clock.sleep(at - clock.now());
      const t0 = clock.now();
      calls.push(
        call(i).then(
          () => {
            ok++;
            times.push(clock.now() - t0);
          },
          () => {},
        ),
      );
    }
    await Promise.all(calls);
    const stats = server.stats();
    return {
      contender,
      ok,
      p50: pct(times, 50),
      p99: pct(times, 99),
      tooMany: stats.byStatus[429] ?? 0,
      attempts: stats.total,
    } satisfies Figures;
  } finally {
    await server.close();
  }
}

const direct = await run('createResilientClient (direct)', async (clock, baseURL) => {
  const client = createResilientClient({ apiKey: 'sk-bench', baseURL, clock });
  return (i) => client.chat.completions.create(request(i));
});

const redis = new Redis(REDIS_URL);
const closing: (() => Promise<void>)[] = [];
const name = `unfazed-bench-${randomUUID().slice(0, 8)}`;
const queued = await run('queue (2 workers)', async (clock, baseURL) => {
  const store = memoryStore();
  const producer = createProducer({ url: AMQP_URL, redis, name, clock });
  const workers = [1, 2].map(() =>
    createWorker({
      url: AMQP_URL,
      redis,
      name,
      clock,
      timeScale: SCALE,
      concurrency: 16,
      // One in-process store for both workers: they share the limit as processes do through Redis.
      client: { apiKey: 'sk-bench', baseURL, clock, rateLimit: { store } },
    }),
  );
  await Promise.all(workers.map((w) => w.ready));
  closing.push(() => producer.close(), ...workers.map((w) => () => w.stop()));
  return async (i) => {
    const job = await producer.enqueue(request(i));
    return job.result();
  };
});
await Promise.all(closing.map((close) => close()));
await removeQueue({ url: AMQP_URL, redis, name });
redis.disconnect();

const row = (f: Figures) =>
  `| ${f.contender} | ${((100 * f.ok) / OFFERED).toFixed(1)} % | ${(f.p50 / 1000).toFixed(1)} s | ${(f.p99 / 1000).toFixed(1)} s | ${f.tooMany} | ${f.attempts} |`;
console.log(`\n${OFFERED} requests in ${LOAD_MINUTES} API minute(s) against a ${RPM} RPM limit (5×):\n`);
console.log(
  '| contender | success | p50 time to result | p99 time to result | 429s sent by the server | requests the server saw |',
);
console.log('|---|---|---|---|---|---|');
console.log(row(direct));
console.log(row(queued));
