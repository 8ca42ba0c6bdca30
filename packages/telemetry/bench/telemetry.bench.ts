// Per-call cost of telemetry(): with the API's no-op providers (no SDK installed, the library
// default), and with the real SDK (spans recorded, metrics aggregated, nothing exported), beside the
// bare pipeline, in one run.
//   pnpm exec node packages/telemetry/bench/telemetry.bench.ts
// Importable by the root runner: `run()` returns rows { name, nsPerOp, p50Ns, opsPerSec }.
import { pathToFileURL } from 'node:url';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { defineMiddleware, pipeline } from '@unfazed/core';
import { Bench } from 'tinybench';
import { type BenchRow, tinybenchRows } from '../../../bench/tinybench-rows.ts';
import { telemetry } from '../src/index.ts';

/** Collects only when asked (never, here): the SDK aggregates every recording in memory. */
class IdleReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export async function run(options: { timeMs?: number } = {}): Promise<BenchRow[]> {
  const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 20 };
  const call = () => Promise.resolve(1);
  const exec = { request, key: 'gpt-4o-mini', tags: { feature: 'search' } };
  const bare = pipeline();
  const noop = pipeline(defineMiddleware('noop', (ctx, next) => next(ctx)));
  const withNoopApi = pipeline(telemetry());
  // No span processor: spans are made and recorded (AlwaysOn), then dropped; what an exporter costs
  // is the SDK's business, not ours.
  const tracerProvider = new TracerProvider();
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
  const withSdk = pipeline(telemetry({ tracerProvider, meterProvider }));
  const metricsOnly = pipeline(telemetry({ meterProvider }));

  const bench = new Bench({ time: options.timeMs ?? 600, warmupTime: 200 });
  bench
    .add('bare call', () => call())
    .add('pipeline() with no middleware', () => bare.execute(call, exec))
    .add('pipeline(no-op middleware)', () => noop.execute(call, exec))
    .add('pipeline(telemetry()), no-op API (no SDK)', () => withNoopApi.execute(call, exec))
    .add('pipeline(telemetry()), real SDK: metrics only', () => metricsOnly.execute(call, exec))
    .add('pipeline(telemetry()), real SDK: spans + metrics', () => withSdk.execute(call, exec));
  await bench.run();
  await meterProvider.shutdown();
  await tracerProvider.shutdown();

  return tinybenchRows(bench);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.table(await run());
