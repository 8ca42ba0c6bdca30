// The real OpenTelemetry SDK with in-memory exporters, a real pino writing to memory, and helpers
// to find what they recorded. Shared by the telemetry tests.
import { Writable } from 'node:stream';
import type { Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { VirtualClock } from '@unfazed/core';
import pino from 'pino';

/** A pull reader: the test collects when it wants, cumulatively, as Prometheus would scrape. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface Observed {
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  /** Finished spans, oldest first. */
  spans(): ReadableSpan[];
  /** Every metric, collected now. */
  metrics(): Promise<MetricData[]>;
  /** The data points of `name` whose attributes include `match`. */
  points(name: string, match?: Attributes): Promise<DataPoint<unknown>[]>;
  /** Sum of a counter's points matching `match` (0 when none). */
  sum(name: string, match?: Attributes): Promise<number>;
  /** Count of a histogram's recordings matching `match`. */
  count(name: string, match?: Attributes): Promise<number>;
  /** Every pino line, parsed. */
  logs: Record<string, unknown>[];
  logger: pino.Logger;
  /** Everything exported, as one string: spans, metrics and logs. */
  everything(): Promise<string>;
  shutdown(): Promise<void>;
}

export function observe(): Observed {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'info', base: undefined }, sink);
  const metrics = async () => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  };
  const points = async (name: string, match: Attributes = {}) => {
    const metric = (await metrics()).find((m) => m.descriptor.name === name);
    if (!metric) return [];
    return (metric.dataPoints as DataPoint<unknown>[]).filter((p) =>
      Object.entries(match).every(([k, v]) => p.attributes[k] === v),
    );
  };
  return {
    tracerProvider,
    meterProvider,
    spans: () => exporter.getFinishedSpans(),
    metrics,
    points,
    async sum(name, match) {
      return (await points(name, match)).reduce((s, p) => s + (p.value as number), 0);
    },
    async count(name, match) {
      return (await points(name, match)).reduce((s, p) => s + (p.value as Histogram).count, 0);
    },
    logs,
    logger,
    async everything() {
      const spans = exporter.getFinishedSpans().map((s) => ({
        name: s.name,
        attributes: s.attributes,
        events: s.events,
        status: s.status,
        links: s.links,
      }));
      return JSON.stringify({ spans, metrics: await metrics(), logs });
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** Runs `work` while moving `clock` forward, so retries and waits on it happen without real sleeps. */
export async function drive<T>(clock: VirtualClock, work: Promise<T>, stepMs = 250): Promise<T> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  settled.catch(() => {});
  while (!done) {
    await clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return settled;
}

/** The one span named `name` (fails the test when there is not exactly one). */
export function only(spans: ReadableSpan[], predicate: (s: ReadableSpan) => boolean): ReadableSpan {
  const found = spans.filter(predicate);
  if (found.length !== 1)
    throw new Error(`expected one span, found ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
  return found[0] as ReadableSpan;
}

export const callSpans = (spans: ReadableSpan[]) => spans.filter((s) => s.name !== 'unfazed.attempt');
export const attemptSpans = (spans: ReadableSpan[], parent: ReadableSpan) =>
  spans.filter(
    (s) => s.name === 'unfazed.attempt' && s.parentSpanContext?.spanId === parent.spanContext().spanId,
  );

/** The histogram value of a data point (fails the test when there is none). */
export function hist(
  point: DataPoint<unknown> | undefined,
): Histogram & { buckets: { boundaries: number[] } } {
  if (point === undefined) throw new Error('no data point');
  return point.value as Histogram & { buckets: { boundaries: number[] } };
}
