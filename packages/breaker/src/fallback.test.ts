import { HttpStatusError, pipeline, ResilienceError, type ResilienceEvent } from '@unfazed/core';
import { describe, expect, it } from 'vitest';
import { BulkheadFullError, CircuitOpenError } from './errors.ts';
import { fallback } from './fallback.ts';

const http = (status: number, body?: unknown, headers?: Record<string, string>) =>
  new HttpStatusError({ status, body, headers });

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
    expect(events).toEqual([
      {
        type: 'fallback.used',
        source: 'fallback',
        time: expect.any(Number),
        key: 'default',
        attempt: 1,
        tags: {},
        pipeline: 'pipeline',
        matched: 'CIRCUIT_OPEN',
        category: 'rejected',
        reason: 'circuit_open',
        status: undefined,
        code: 'CIRCUIT_OPEN',
        requestId: undefined,
      },
    ]);
  });

  it('finds a pipeline error the SDK wrapped', async () => {
    const p = pipeline(fallback({ when: ['CIRCUIT_OPEN'], value: 'degraded' }));
    const wrapped = new Error('Connection error.', { cause: new CircuitOpenError('gpt-4o', 'open', 10) });
    await expect(p.execute(() => Promise.reject(wrapped))).resolves.toBe('degraded');
  });

  it('matches reasons, categories and statuses, and calls fn with the failure', async () => {
    const seen: unknown[] = [];
    const p = pipeline(
      fallback({
        when: ['context_length_exceeded', '502', 'network'],
        fn: ({ classification, ctx }) => {
          seen.push([classification.reason, classification.status, ctx.key]);
          return 'smaller model';
        },
      }),
    );
    p.on((e) => e.type === 'fallback.used' && seen.push(e.matched));
    const tooLong = http(
      400,
      { error: { code: 'context_length_exceeded', message: 'too long' } },
      { 'x-request-id': 'req_1' },
    );
    await expect(p.execute(() => Promise.reject(tooLong), { key: 'gpt-4o' })).resolves.toBe('smaller model');
    await expect(p.execute(() => Promise.reject(http(502)), { key: 'k' })).resolves.toBe('smaller model');
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    await expect(p.execute(() => Promise.reject(reset), { key: 'n' })).resolves.toBe('smaller model');
    await expect(p.execute(() => Promise.reject(http(401)))).rejects.toMatchObject({ status: 401 });
    expect(seen).toEqual([
      'context_length_exceeded',
      ['context_length_exceeded', 400, 'gpt-4o'],
      '502',
      ['server_error', 502, 'k'],
      'network',
      ['connection', undefined, 'n'],
    ]);
  });

  it('by default falls back on transient, network and rejected failures only', async () => {
    const p = pipeline(fallback({ value: 'degraded' }));
    await expect(p.execute(() => Promise.reject(http(503)))).resolves.toBe('degraded');
    await expect(p.execute(() => Promise.reject(new BulkheadFullError(1, 0, 'full')))).resolves.toBe(
      'degraded',
    );
    await expect(p.execute(() => Promise.reject(new ResilienceError('TIMEOUT', 'slow')))).resolves.toBe(
      'degraded',
    );
    await expect(p.execute(() => Promise.reject(http(401)))).rejects.toMatchObject({ status: 401 });
    await expect(p.execute(() => Promise.reject(new Error('bug')))).rejects.toThrow('bug');
  });

  it('takes an async predicate', async () => {
    const p = pipeline(
      fallback({ when: async ({ classification }) => classification.status === 500, value: 1 }),
    );
    await expect(p.execute(() => Promise.reject(http(500)))).resolves.toBe(1);
    await expect(p.execute(() => Promise.reject(http(503)))).rejects.toMatchObject({ status: 503 });
  });

  it('a throwing or nonsense predicate means no fallback: the original error, and a hook.failed event', async () => {
    const throwing = pipeline(
      fallback({
        when: () => {
          throw new Error('predicate bug');
        },
        value: 'nope',
      }),
    );
    const events: ResilienceEvent[] = [];
    throwing.on((e) => events.push(e));
    const error = http(503);
    await expect(throwing.execute(() => Promise.reject(error))).rejects.toBe(error);
    const rejecting = pipeline(
      fallback({ when: async () => Promise.reject(new Error('async bug')), value: 'nope' }),
    );
    rejecting.on((e) => events.push(e));
    await expect(rejecting.execute(() => Promise.reject(error))).rejects.toBe(error);
    const nonsense = pipeline(fallback({ when: () => 'yes' as never, value: 'nope' }));
    nonsense.on((e) => events.push(e));
    await expect(nonsense.execute(() => Promise.reject(error))).rejects.toBe(error);
    expect(events).toMatchObject([
      { type: 'hook.failed', source: 'fallback', hook: 'when', error: 'Error: predicate bug' },
      { type: 'hook.failed', hook: 'when', error: 'Error: async bug' },
      { type: 'hook.failed', hook: 'when', error: 'when returned "yes" (string), not true or false' },
    ]);
  });

  it("fn's own failure is the call's outcome: it is the answer, not an observer", async () => {
    const broken = new Error('cache down');
    const p = pipeline(
      fallback({
        fn: () => {
          throw broken;
        },
      }),
    );
    await expect(p.execute(() => Promise.reject(http(503)))).rejects.toBe(broken);
  });

  it('never falls back for a cancelled call', async () => {
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
    const deadline = new ResilienceError('DEADLINE_EXCEEDED', 'out of time');
    await expect(p.execute(() => Promise.reject(deadline))).rejects.toBe(deadline);
  });

  it('does not wait for a predicate that outlives the call: the original error at the abort', async () => {
    const p = pipeline(fallback({ when: () => new Promise<boolean>(() => {}), value: 'nope' }));
    const controller = new AbortController();
    const error = http(503);
    const result = p.execute(() => Promise.reject(error), { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('caller left'));
    await expect(result).rejects.toBe(error);
  });

  it('answers undefined when value is given as undefined, and names its events', async () => {
    const p = pipeline(fallback({ name: 'degrade', value: undefined }));
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    await expect(p.execute(() => Promise.reject(http(503)))).resolves.toBeUndefined();
    expect(events).toMatchObject([{ type: 'fallback.used', source: 'degrade', matched: undefined }]);
  });
});
