// Per-call overhead of a pass-through call through retry, breaker and timeout, alone and composed,
// next to cockatiel's wrap(retry, circuitBreaker, timeout) and a bare call, in one run.
//   pnpm exec node packages/backoff/bench/overhead.bench.ts
// Importable by the root runner: `run()` returns rows { name, nsPerOp, p50Ns, opsPerSec }.
// Erasable TypeScript only, so Node runs it without a build.
import { pathToFileURL } from 'node:url';
import { breaker } from '@unfazed/breaker';
import { defineMiddleware, pipeline } from '@unfazed/core';
import {
  ConsecutiveBreaker,
  circuitBreaker,
  retry as cockatielRetry,
  timeout as cockatielTimeout,
  ExponentialBackoff,
  handleAll,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import { Bench } from 'tinybench';
import { type BenchRow, tinybenchRows } from '../../../bench/tinybench-rows.ts';
import { retry, timeout } from '../src/index.ts';

export async function run(options: { timeMs?: number } = {}): Promise<BenchRow[]> {
  const call = () => Promise.resolve(1);
  const empty = pipeline();
  const noop = pipeline(defineMiddleware('noop', (ctx, next) => next(ctx)));
  const retryOnly = pipeline(retry());
  const breakerOnly = pipeline(breaker());
  const openCircuit = breaker();
  openCircuit.isolate('down');
  const refusing = pipeline(openCircuit);
  const swallow = () => 0;
  const timeoutOnly = pipeline(timeout({ ms: 30_000 }));
  const composed = pipeline(retry(), breaker(), timeout({ ms: 30_000 }));
  const cockatielTimeoutOnly = cockatielTimeout(30_000, TimeoutStrategy.Cooperative);
  const cockatielComposed = wrap(
    cockatielRetry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() }),
    circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(5) }),
    cockatielTimeout(30_000, TimeoutStrategy.Cooperative),
  );

  const bench = new Bench({ time: options.timeMs ?? 600, warmupTime: 200 });
  bench
    .add('bare call', () => call())
    .add('pipeline() with no middleware', () => empty.execute(call))
    .add('pipeline(no-op middleware)', () => noop.execute(call))
    .add('retry', () => retryOnly.execute(call))
    .add('breaker', () => breakerOnly.execute(call))
    .add('breaker, open: refusing the call', () => refusing.execute(call, { key: 'down' }).catch(swallow))
    .add('timeout', () => timeoutOnly.execute(call))
    .add('pipeline(retry, breaker, timeout)', () => composed.execute(call))
    .add('cockatiel timeout', () => cockatielTimeoutOnly.execute(call))
    .add('cockatiel wrap(retry, circuitBreaker, timeout)', () => cockatielComposed.execute(call));
  await bench.run();

  return tinybenchRows(bench);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.table(await run());
