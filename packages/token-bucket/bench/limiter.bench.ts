/**
 * Limiter throughput. Run: `pnpm exec node packages/token-bucket/bench/limiter.bench.ts`
 * (REDIS_URL, default redis://127.0.0.1:6379), or through the root runner, which calls `run()`.
 *
 * - Redis: acquires per second with 64 concurrent callers on one connection, beside PING on the
 *   same connection and beside rate-limiter-flexible (one RateLimiterRedis, and a RateLimiterUnion
 *   of an RPM and a TPM limiter) on the same Redis. Limits are high, so nothing waits.
 * - Memory: the cost of one acquire (ns/op), store alone and through a pipeline.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pipeline } from '@unfazed/core';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterUnion } from 'rate-limiter-flexible';
import { Bench } from 'tinybench';
import { tinybenchRows } from '../../../bench/tinybench-rows.ts';
import { memoryStore, rateLimit, redisStore } from '../src/index.ts';

type Row = Record<string, string | number>;

const CONCURRENCY = 64;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 1_500);
const ROUNDS = 3;

/** Operations per second with `CONCURRENCY` callers each looping `op` for `DURATION_MS`. */
async function closedLoop(op: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await op(); // warm up (script load, JIT)
  let count = 0;
  const until = performance.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        await op();
        count++;
      }
    }),
  );
  return count / ((performance.now() - started) / 1_000);
}

async function redisRows(): Promise<Row[]> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const client = new Redis(url, { enableAutoPipelining: true });
  const prefix = `unfazed-bench:${randomUUID()}`;
  try {
    const body = { messages: [{ role: 'user', content: 'x'.repeat(400) }], max_tokens: 100 };
    const limited = pipeline(
      rateLimit({ rpm: 1e9, tpm: 1e12, store: redisStore({ client, prefix, timeoutMs: 5_000 }) }),
    );
    const store = redisStore({ client, prefix: `${prefix}:store`, timeoutMs: 5_000 });
    const spec = {
      requests: { limit: 1e9, capacity: 1e8, ratePerMs: 1e4 },
      tokens: { limit: 1e12, capacity: 1e11, ratePerMs: 1e7 },
    };
    const rlfOne = new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `${prefix}:rlf`,
      points: 1e9,
      duration: 60,
    });
    const rlfUnion = new RateLimiterUnion(
      new RateLimiterRedis({ storeClient: client, keyPrefix: `${prefix}:rpm`, points: 1e9, duration: 60 }),
      new RateLimiterRedis({ storeClient: client, keyPrefix: `${prefix}:tpm`, points: 1e9, duration: 60 }),
    );
    const cases: [string, () => Promise<unknown>][] = [
      ['redis PING (same connection)', () => client.ping()],
      [
        'unfazed rateLimit, redisStore (RPM + TPM, one EVALSHA)',
        () => limited.execute(async () => 1, { request: body, key: 'bench' }),
      ],
      [
        'unfazed redisStore.acquire alone',
        () => store.acquire({ key: 'bench', cost: { requests: 1, tokens: 200 }, spec, now: 0, maxWaitMs: 0 }),
      ],
      ['rate-limiter-flexible RateLimiterRedis (one limiter)', () => rlfOne.consume('bench', 1)],
      ['rate-limiter-flexible RateLimiterUnion (RPM + TPM)', () => rlfUnion.consume('bench', 1)],
    ];
    const best = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, op] of cases) best.set(name, Math.max(best.get(name) ?? 0, await closedLoop(op)));
    }
    const ping = best.get(cases[0]![0])!;
    const union = best.get(cases[4]![0])!;
    return cases.map(([name]) => {
      const ops = best.get(name)!;
      return {
        name,
        opsPerSec: Math.round(ops),
        concurrency: CONCURRENCY,
        'vs PING': `${Math.round((ops / ping) * 100)} %`,
        'vs union': `${(ops / union).toFixed(2)}×`,
      };
    });
  } finally {
    const keys = await client.keys(`*${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  }
}

async function memoryRows(): Promise<Row[]> {
  const store = memoryStore();
  const spec = { requests: { limit: 1e12, capacity: 1e11, ratePerMs: 1e6 } };
  const cost = { requests: 1, tokens: 0 };
  let now = 0;
  const limited = pipeline(rateLimit({ rpm: 1e12, tpm: 1e15 }));
  const empty = pipeline();
  const body = { messages: [{ role: 'user', content: 'hello' }], max_tokens: 10 };
  const bench = new Bench({ time: 1_000 });
  bench
    .add('memoryStore.acquire', async () => {
      await store.acquire({ key: 'k', cost, spec, now: now++, maxWaitMs: 0 });
    })
    .add('rateLimit, memoryStore, through pipeline.execute', async () => {
      await limited.execute(async () => 1, { request: body, key: 'k' });
    })
    .add('baseline: empty pipeline.execute', async () => {
      await empty.execute(async () => 1);
    });
  await bench.run();
  return tinybenchRows(bench);
}

/** Every row of this suite, Redis first; for the root bench runner. */
export async function run(): Promise<Row[]> {
  return [...(await redisRows()), ...(await memoryRows())];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await run();
  console.table(rows);
}
