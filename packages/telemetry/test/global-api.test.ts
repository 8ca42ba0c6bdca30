import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { retry } from '@unfazed/backoff';
import { pipeline, type ResilienceEvent } from '@unfazed/core';
import { afterEach, describe, expect, it } from 'vitest';
import { telemetry } from '../src/index.ts';
import { callSpans, type Observed, observe } from './harness.ts';

let o: Observed | undefined;
afterEach(async () => {
  trace.disable();
  metrics.disable();
  context.disable();
  await o?.shutdown();
  o = undefined;
});

const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

describe('telemetry() on the global API', () => {
  it('with no SDK installed: answers and errors pass unchanged, events still reach listeners', async () => {
    const p = pipeline(telemetry(), retry({ baseDelayMs: 1, maxDelayMs: 1 }));
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    await expect(p.execute(async () => 'answer', { request })).resolves.toBe('answer');
    const boom = Object.assign(new Error('bad request'), { status: 400 });
    await expect(p.execute(() => Promise.reject(boom), { request })).rejects.toBe(boom);
    let calls = 0;
    const flaky = () =>
      ++calls === 1 ? Promise.reject(Object.assign(new Error('503'), { status: 503 })) : Promise.resolve(1);
    await expect(p.execute(flaky, { request })).resolves.toBe(1);
    expect(events.map((e) => e.type)).toEqual(['retry.gave-up', 'retry.scheduled']);
  });

  it('uses an SDK registered after telemetry() was made (the global meter is looked up per call)', async () => {
    const mw = telemetry();
    const p = pipeline(mw);
    await p.execute(async () => 1, { request });
    o = observe();
    trace.setGlobalTracerProvider(o.tracerProvider);
    metrics.setGlobalMeterProvider(o.meterProvider);
    await p.execute(async () => 1, { request, tags: { feature: 'late' } });
    expect(callSpans(o.spans()).map((s) => s.name)).toEqual(['chat gpt-4o-mini']);
    expect(await o.sum('unfazed.calls', { 'unfazed.feature': 'late' })).toBe(1);
  });

  it('with a context manager: the call span is a child of the caller’s span, and what the call does is its child', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    o = observe();
    const tracer = o.tracerProvider.getTracer('app');
    const p = pipeline(telemetry({ tracerProvider: o.tracerProvider }));
    await tracer.startActiveSpan('POST /ask', async (outer) => {
      await p.execute(
        async () => {
          // What an HTTP instrumentation would do inside the call: start a span on the active context.
          await new Promise((r) => setTimeout(r, 1));
          tracer.startSpan('HTTP POST').end();
          return 1;
        },
        { request },
      );
      outer.end();
    });
    const spans = o.spans();
    const byName = (n: string) => spans.find((s) => s.name === n)!;
    expect(byName('chat gpt-4o-mini').parentSpanContext?.spanId).toBe(
      byName('POST /ask').spanContext().spanId,
    );
    expect(byName('HTTP POST').parentSpanContext?.spanId).toBe(
      byName('chat gpt-4o-mini').spanContext().spanId,
    );
    expect(byName('unfazed.attempt').parentSpanContext?.spanId).toBe(
      byName('chat gpt-4o-mini').spanContext().spanId,
    );
  });
});
