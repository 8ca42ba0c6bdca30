import { pipeline, type ResilienceEvent } from '@unfazed/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CardinalityGuard } from '../src/cardinality.ts';
import { telemetry } from '../src/index.ts';
import { callSpans, type Observed, observe } from './harness.ts';

let o: Observed | undefined;
afterEach(async () => {
  await o?.shutdown();
});

describe('the cardinality guard', () => {
  it('passes the first sets, folds open-ended values of later new ones into "other", keeps known ones', () => {
    const folds: string[] = [];
    const guard = new CardinalityGuard(2, (instrument) => folds.push(instrument));
    const a = { 'unfazed.feature': 'a', 'unfazed.outcome': 'success' };
    const b = { 'unfazed.feature': 'b', 'unfazed.outcome': 'success' };
    const c = { 'unfazed.feature': 'c', 'unfazed.outcome': 'failure', 'gen_ai.request.model': 'm1' };
    expect(guard.admit('calls', a)).toBe(a);
    expect(guard.admit('calls', b)).toBe(b);
    expect(guard.admit('calls', c)).toEqual({
      'unfazed.feature': 'other',
      'unfazed.outcome': 'failure',
      'gen_ai.request.model': 'other',
    });
    expect(guard.admit('calls', a)).toBe(a); // seen before: unchanged
    expect(guard.admit('calls', { 'unfazed.feature': 'd', 'unfazed.outcome': 'success' })).toEqual({
      'unfazed.feature': 'other',
      'unfazed.outcome': 'success',
    });
    expect(guard.admit('other-instrument', c)).toBe(c); // each instrument has its own budget
    expect(folds).toEqual(['calls']); // said once
  });

  it('through telemetry(): series stay bounded, one warning and one event say so', async () => {
    o = observe();
    const events: ResilienceEvent[] = [];
    const p = pipeline(
      telemetry({
        meterProvider: o.meterProvider,
        tracerProvider: o.tracerProvider,
        logger: o.logger,
        maxAttributeSets: 3,
      }),
    ).with({ name: 'chat' });
    p.on((e) => events.push(e));
    for (let i = 0; i < 20; i++) {
      await p.execute(async () => 'ok', {
        key: 'gpt-4o-mini',
        tags: { feature: `feature-${i}` },
        request: { model: 'gpt-4o-mini', messages: [] },
      });
    }
    const calls = await o.points('unfazed.calls');
    expect(calls).toHaveLength(4); // 3 features, then "other"
    const other = calls.find((p) => p.attributes['unfazed.feature'] === 'other');
    expect(other?.value).toBe(17);
    expect(calls.reduce((s, p) => s + (p.value as number), 0)).toBe(20);
    const folded = events.filter((e) => e.type === 'telemetry.attributes-folded');
    expect(folded.map((e) => (e as unknown as { instrument: string }).instrument).sort()).toEqual([
      'gen_ai.client.operation.duration',
      'unfazed.attempts',
      'unfazed.calls',
    ]);
    expect(folded[0]).toMatchObject({ source: 'telemetry', limit: 3, pipeline: 'chat' });
    const warnings = o.logs.filter(
      (l) => (l.event as { action: string }).action === 'telemetry-attributes-folded',
    );
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatchObject({ level: 40, unfazed: { limit: 3 } });
    // Spans are not metrics: each keeps its own feature.
    expect(new Set(callSpans(o.spans()).map((s) => s.attributes['unfazed.feature'])).size).toBe(20);
  });
});
