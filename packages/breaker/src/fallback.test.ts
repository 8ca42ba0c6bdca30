import { HttpStatusError, pipeline, ResilienceError, type ResilienceEvent } from '@unfazed/core';
import { describe, expect, it } from 'vitest';
import { CircuitOpenError } from './errors.ts';
import { fallback } from './fallback.ts';

const http = (status: number, body?: unknown) => new HttpStatusError({ status, body });

describe('fallback', () => {
  it('answers with value for the listed pipeline codes, and rethrows anything else unchanged', async () => {
    const p = pipeline(fallback({ when: ['CIRCUIT_OPEN', 'TIMEOUT'], value: 'cached answer' }));
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    await expect(p.execute(() => Promise.reject(new CircuitOpenError('gpt-4o', 'open', 10)))).resolves.toBe(
      'cached answer',
    );
    const other = http(503);
    await expect(p.execute(() => Promise.reject(other))).rejects.toBe(other);
    expect(events).toMatchObject([{ type: 'fallback', source: 'fallback', matched: 'CIRCUIT_OPEN' }]);
  });

  it('matches API error codes, reasons, categories and statuses, and calls fn with the failure', async () => {
    const seen: unknown[] = [];
    const p = pipeline(
      fallback({
        when: ['context_length_exceeded', '502'],
        fn: ({ classification, ctx }) => {
          seen.push([classification.code ?? classification.status, ctx.key]);
          return 'smaller model';
        },
      }),
    );
    const tooLong = http(400, { error: { code: 'context_length_exceeded', message: 'too long' } });
    await expect(p.execute(() => Promise.reject(tooLong), { key: 'gpt-4o' })).resolves.toBe('smaller model');
    await expect(p.execute(() => Promise.reject(http(502)), { key: 'k' })).resolves.toBe('smaller model');
    await expect(p.execute(() => Promise.reject(http(401)))).rejects.toMatchObject({ status: 401 });
    expect(seen).toEqual([
      ['context_length_exceeded', 'gpt-4o'],
      [502, 'k'],
    ]);
  });

  it('by default falls back on transient, network and pipeline-made failures only', async () => {
    const p = pipeline(fallback({ value: 'degraded' }));
    await expect(p.execute(() => Promise.reject(http(503)))).resolves.toBe('degraded');
    await expect(p.execute(() => Promise.reject(new ResilienceError('BULKHEAD_FULL', 'full')))).resolves.toBe(
      'degraded',
    );
    await expect(p.execute(() => Promise.reject(http(401)))).rejects.toMatchObject({ status: 401 });
  });

  it('takes an async predicate', async () => {
    const p = pipeline(
      fallback({ when: async ({ classification }) => classification.status === 500, value: 1 }),
    );
    await expect(p.execute(() => Promise.reject(http(500)))).resolves.toBe(1);
    await expect(p.execute(() => Promise.reject(http(503)))).rejects.toMatchObject({ status: 503 });
  });

  it('never falls back for a call the caller cancelled', async () => {
    const p = pipeline(fallback({ when: () => true, value: 'nope' }));
    const controller = new AbortController();
    const error = http(503);
    const result = p.execute(
      async () => {
        controller.abort();
        throw error;
      },
      { signal: controller.signal },
    );
    await expect(result).rejects.toBe(error);
    await expect(p.execute(() => Promise.reject(new DOMException('x', 'AbortError')))).rejects.toThrow('x');
  });

  it('validates its options', () => {
    expect(() => fallback({} as never)).toThrow(new TypeError('fallback: give exactly one of value and fn'));
    expect(() => fallback({ value: 1, fn: () => 2 })).toThrow(/exactly one/);
    expect(() => fallback({ value: 1, when: [1] as never })).toThrow(
      /when must be a function or an array of strings/,
    );
  });
});
