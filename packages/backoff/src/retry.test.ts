import {
  type CallContext,
  HttpStatusError,
  pipeline,
  ResilienceError,
  type ResilienceEvent,
  VirtualClock,
} from '@unfazed/core';
import { describe, expect, it } from 'vitest';
import { DeadlineExceededError, RetryAfterTooLongError, TimeoutError } from './errors.ts';
import { retry } from './retry.ts';
import { createRetryBudget } from './retry-budget.ts';
import type { RetryOptions } from './retry-options.ts';

const http = (status: number, headers: Record<string, string> = {}, body?: unknown) =>
  new HttpStatusError({ status, headers, body });
const rateLimited = (headers: Record<string, string>) =>
  http(429, headers, {
    error: { code: 'rate_limit_exceeded', type: 'requests', message: 'Rate limit reached' },
  });

/** A call that fails with `errors` in turn, then answers 'ok'; records each attempt's context. */
function script(...errors: unknown[]) {
  const seen: CallContext[] = [];
  const fn = async (ctx: CallContext) => {
    seen.push(ctx);
    const error = errors[seen.length - 1];
    if (error !== undefined) throw error;
    return 'ok';
  };
  return { fn, seen };
}

function setup(options: RetryOptions = {}) {
  const clock = new VirtualClock(1_000_000);
  const p = pipeline(retry({ random: () => 0.5, budget: false, ...options }));
  const events: ResilienceEvent[] = [];
  p.on((e) => events.push(e));
  const run = <T>(fn: (ctx: CallContext) => Promise<T>, signal?: AbortSignal) => {
    const promise = p.execute(fn, { clock, key: 'gpt', signal });
    promise.catch(() => {});
    return promise;
  };
  return { clock, events, run };
}

describe('retry', () => {
  it('passes a success straight through, as attempt 1', async () => {
    const { run, events } = setup();
    const { fn, seen } = script();
    await expect(run(fn)).resolves.toBe('ok');
    expect(seen.map((c) => c.attempt)).toEqual([1]);
    expect(events).toEqual([]);
  });

  it('retries transient failures after 1 s then 2 s (full jitter, random 0.5 → half), numbering attempts', async () => {
    const { run, clock, events } = setup();
    const { fn, seen } = script(http(503), http(502));
    const result = run(fn);
    await clock.advance(499);
    expect(seen).toHaveLength(1);
    await clock.advance(1);
    expect(seen).toHaveLength(2);
    await clock.advance(999);
    expect(seen).toHaveLength(2);
    await clock.advance(1);
    await expect(result).resolves.toBe('ok');
    expect(seen.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(
      events.map(
        (e) => e.type === 'retry.scheduled' && [e.delayMs, e.delaySource, e.failedAttempt, e.status],
      ),
    ).toEqual([
      [500, 'backoff', 1, 503],
      [1_000, 'backoff', 2, 502],
    ]);
    expect(events[0]).toMatchObject({
      source: 'retry',
      category: 'transient',
      reason: 'overloaded',
      status: 503,
      requestId: undefined,
      requestIds: [undefined],
    });
    expect(Object.isFrozen((events[1] as { requestIds: unknown }).requestIds)).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('stops after maxRetries (3 by default: 4 attempts) and throws the last error unchanged', async () => {
    const { run, clock, events } = setup();
    const errors = [http(500), http(500), http(500), http(503)];
    const { fn, seen } = script(...errors);
    const result = run(fn);
    await clock.runAll();
    await expect(result).rejects.toBe(errors[3]);
    expect(seen).toHaveLength(4);
    const giveUp = events.find((e) => e.type === 'retry.gave-up');
    expect(giveUp).toMatchObject({ why: 'exhausted', attempts: 4, status: 503, category: 'transient' });
  });

  it.each([
    ['401', http(401)],
    [
      'insufficient_quota',
      http(429, {}, { error: { code: 'insufficient_quota', type: 'insufficient_quota' } }),
    ],
    ['an abort', new DOMException('stop', 'AbortError')],
    ['circuit open', new ResilienceError('CIRCUIT_OPEN', 'open')],
    ['bulkhead full', new ResilienceError('BULKHEAD_FULL', 'full')],
  ])('never retries %s', async (_name, error) => {
    const { run, events } = setup();
    const { fn, seen } = script(error);
    await expect(run(fn)).rejects.toBe(error);
    expect(seen).toHaveLength(1);
    expect(events).toMatchObject([{ type: 'retry.gave-up', why: 'not-retryable', attempts: 1 }]);
  });

  it('retries network failures and per-attempt timeouts', async () => {
    const { run, clock } = setup();
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const { fn, seen } = script(reset, new TimeoutError(100));
    const result = run(fn);
    await clock.runAll();
    await expect(result).resolves.toBe('ok');
    expect(seen).toHaveLength(3);
  });

  it('lets the server hint win: retry-after-ms 3 s plus a spread of up to max(10 %, 250 ms)', async () => {
    const { run, clock, events } = setup({ random: () => 0.5 });
    const { fn, seen } = script(rateLimited({ 'retry-after-ms': '3000' }));
    const result = run(fn);
    await clock.advance(3_149);
    expect(seen).toHaveLength(1);
    await clock.advance(1);
    await expect(result).resolves.toBe('ok');
    expect(events[0]).toMatchObject({ type: 'retry.scheduled', delayMs: 3_150, delaySource: 'retry-after' });
  });

  it('spreads a hint by at least 250 ms when 10 % is less, and by 10 % beyond 2.5 s', async () => {
    for (const [hint, random, expected] of [
      [1_000, 0.999, 1_250],
      [1_000, 0, 1_000],
      [20_000, 0.999, 21_998],
    ] as const) {
      const { run, clock, events } = setup({ random: () => random });
      const result = run(script(rateLimited({ 'retry-after-ms': String(hint) })).fn);
      await clock.runAll();
      await result;
      expect(events[0]).toMatchObject({ delayMs: expected });
    }
  });

  it('reports a rate-limit reset header as its own delay source', async () => {
    const { run, clock, events } = setup({ random: () => 0 });
    const result = run(
      script(rateLimited({ 'x-ratelimit-reset-requests': '2s', 'x-ratelimit-remaining-requests': '0' })).fn,
    );
    await clock.runAll();
    await result;
    expect(events[0]).toMatchObject({ delayMs: 2_000, delaySource: 'rate-limit-reset' });
  });

  it('reports the message’s “try again in” as its own delay source', async () => {
    const { run, clock, events } = setup({ random: () => 0 });
    const error = http(
      429,
      {},
      {
        error: {
          code: 'rate_limit_exceeded',
          type: 'tokens',
          message: 'Rate limit reached. Please try again in 1.5s.',
        },
      },
    );
    const result = run(script(error).fn);
    await clock.runAll();
    await result;
    expect(events[0]).toMatchObject({ type: 'retry.scheduled', delayMs: 1_500, delaySource: 'message' });
  });

  it('gives up at once with RetryAfterTooLongError when the hint exceeds maxRetryAfterMs', async () => {
    const { run, events } = setup();
    const error = rateLimited({ 'retry-after': '120' });
    const { fn, seen } = script(error);
    const failure = await run(fn).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RetryAfterTooLongError);
    expect(failure).toMatchObject({ code: 'RETRY_AFTER_TOO_LONG', retryAfterMs: 120_000, limitMs: 60_000 });
    expect((failure as Error).cause).toBe(error);
    expect(ResilienceError.is(failure, 'RETRY_AFTER_TOO_LONG')).toBe(true);
    expect(seen).toHaveLength(1);
    expect(events).toMatchObject([{ type: 'retry.gave-up', why: 'retry-after-too-long', delayMs: 120_000 }]);
  });

  it('gives up with RetryAfterTooLongError when the hint would end past the deadline', async () => {
    const { run } = setup({ deadlineMs: 5_000 });
    const failure = await run(script(rateLimited({ 'retry-after': '10' })).fn).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'RETRY_AFTER_TOO_LONG', retryAfterMs: 10_000, limitMs: 5_000 });
  });

  it('caps the exponential delay at maxDelayMs', async () => {
    const { run, clock, events } = setup({ maxRetries: 8, random: () => 0.999_999 });
    const result = run(script(...Array.from({ length: 8 }, () => http(503))).fn);
    await clock.runAll();
    await result;
    const delays = events.flatMap((e) => (e.type === 'retry.scheduled' ? [e.delayMs] : []));
    expect(delays).toEqual([999, 1_999, 3_999, 7_999, 15_999, 19_999, 19_999, 19_999]);
  });

  it('gives up, throwing the real error, when a backoff would end past the deadline', async () => {
    const { run, clock, events } = setup({ deadlineMs: 2_000, jitter: 'none' });
    const errors = [http(503), http(503)];
    const { fn, seen } = script(...errors);
    const result = run(fn);
    await clock.advance(1_000);
    await expect(result).rejects.toBe(errors[1]);
    expect(seen).toHaveLength(2);
    expect(seen[0]!.deadline).toBe(1_002_000);
    expect(events.at(-1)).toMatchObject({ type: 'retry.gave-up', why: 'deadline', delayMs: 2_000 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('aborts an attempt still running at the deadline with DeadlineExceededError', async () => {
    const { run, clock, events } = setup({ deadlineMs: 3_000 });
    const hang = (ctx: CallContext) =>
      new Promise<never>((_, reject) =>
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
      );
    const result = run(hang);
    await clock.advance(3_000 + 30); // the deadline may fire up to precision (30 ms here) late, never early
    const failure = await result.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DeadlineExceededError);
    expect(failure).toMatchObject({ code: 'DEADLINE_EXCEEDED', deadlineMs: 3_000 });
    expect(events).toMatchObject([{ type: 'retry.gave-up', why: 'deadline' }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('honours an outer ctx.deadline without a deadline of its own', async () => {
    const clock = new VirtualClock(0);
    const outer = retry({ deadlineMs: 1_500, maxRetries: 0, budget: false });
    const p = pipeline(outer, retry({ budget: false, jitter: 'none' }));
    const errors = [http(503), http(503)];
    const { fn, seen } = script(...errors);
    const result = p.execute(fn, { clock });
    result.catch(() => {});
    await clock.runAll();
    // 1 s backoff fits in 1.5 s; the next, 2 s, would not: the inner retry gives up with the real error.
    await expect(result).rejects.toBe(errors[1]);
    expect(seen.map((c) => c.deadline)).toEqual([1_500, 1_500]);
  });

  it('aborts a backoff wait within a tick of the caller’s signal, with its reason', async () => {
    const { run, clock } = setup();
    const controller = new AbortController();
    const { fn, seen } = script(http(503));
    const result = run(fn, controller.signal);
    await clock.advance(10);
    expect(clock.pendingTimers).toBe(1);
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(seen).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not retry when the caller aborted during the attempt', async () => {
    const { run, events } = setup();
    const controller = new AbortController();
    const error = http(503);
    const result = run(async () => {
      controller.abort();
      throw error;
    }, controller.signal);
    await expect(result).rejects.toBe(error);
    expect(events).toMatchObject([{ type: 'retry.gave-up', why: 'aborted' }]);
  });

  it('fails with the last real error once the budget is spent, and says why', async () => {
    const budget = createRetryBudget({ ratio: 0, minRetriesPerSecond: 0.1 }); // one retry per 10 s
    const { run, clock, events } = setup({ budget });
    const first = run(script(http(503)).fn);
    await clock.runAll();
    await expect(first).resolves.toBe('ok');
    const error = http(503);
    const { fn, seen } = script(error);
    await expect(run(fn)).rejects.toBe(error);
    expect(seen).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({
      type: 'retry.gave-up',
      why: 'budget',
      attempts: 1,
      delayMs: 500,
    });
  });

  it('shares a budget between retry() instances', async () => {
    const budget = createRetryBudget({ ratio: 0, minRetriesPerSecond: 0.1 });
    const a = setup({ budget });
    const b = setup({ budget });
    const okA = a.run(script(http(503)).fn);
    await a.clock.runAll();
    await okA;
    const error = http(503);
    await expect(b.run(script(error).fn)).rejects.toBe(error);
    expect(b.events).toMatchObject([{ why: 'budget' }]);
  });

  it('lets an async shouldRetry decide, told what the default would be', async () => {
    const seenArgs: unknown[] = [];
    const { run, clock } = setup({
      shouldRetry: async ({ classification, retryable, attempt }) => {
        seenArgs.push([classification.status, retryable, attempt]);
        return classification.status === 401;
      },
    });
    const result = run(script(http(401), http(503)).fn);
    await clock.runAll();
    await expect(result).rejects.toMatchObject({ status: 503 });
    expect(seenArgs).toEqual([
      [401, false, 1],
      [503, true, 2],
    ]);
  });

  it('gives onRetry and onGiveUp one arguments object, with every attempt’s request id', async () => {
    const retries: unknown[] = [];
    const giveUps: unknown[] = [];
    const { run, clock, events } = setup({
      maxRetries: 2,
      onRetry: ({ attempt, delayMs, delaySource, requestIds, classification, ctx }) =>
        void retries.push({
          attempt,
          delayMs,
          delaySource,
          requestIds,
          reason: classification.reason,
          key: ctx.key,
        }),
      onGiveUp: ({ attempt, why, requestIds, error }) =>
        void giveUps.push({ attempt, why, requestIds, error }),
    });
    const last = http(500, { 'x-request-id': 'req_3' });
    const result = run(script(http(503, { 'x-request-id': 'req_1' }), http(502), last).fn);
    await clock.runAll();
    await expect(result).rejects.toBe(last);
    expect(retries).toEqual([
      {
        attempt: 1,
        delayMs: 500,
        delaySource: 'backoff',
        requestIds: ['req_1'],
        reason: 'overloaded',
        key: 'gpt',
      },
      {
        attempt: 2,
        delayMs: 1_000,
        delaySource: 'backoff',
        requestIds: ['req_1', undefined],
        reason: 'server_error',
        key: 'gpt',
      },
    ]);
    expect(giveUps).toEqual([
      { attempt: 3, why: 'exhausted', requestIds: ['req_1', undefined, 'req_3'], error: last },
    ]);
    expect(events.at(-1)).toMatchObject({
      requestIds: ['req_1', undefined, 'req_3'],
      key: 'gpt',
      attempt: 3,
    });
  });

  it('acts on classify’s verdict: x-should-retry: false vetoes a 503', async () => {
    const { run, events } = setup();
    const error = http(503, { 'x-should-retry': 'false' });
    const { fn, seen } = script(error);
    await expect(run(fn)).rejects.toBe(error);
    expect(seen).toHaveLength(1);
    expect(events).toMatchObject([{ type: 'retry.gave-up', why: 'not-retryable', category: 'transient' }]);
  });

  it('retries another category only because retryOn lists it', async () => {
    const { run, clock } = setup({ retryOn: ['transient', 'network', 'client'] });
    const { fn, seen } = script(http(404), http(400));
    const result = run(fn);
    await clock.runAll();
    await expect(result).resolves.toBe('ok');
    expect(seen).toHaveLength(3);
  });

  it('never retries the pipeline’s own refusals, nor an inner deadline', async () => {
    for (const code of [
      'RATE_LIMIT_WAIT',
      'QUEUE_FULL',
      'DEADLINE_EXCEEDED',
      'RETRY_AFTER_TOO_LONG',
    ] as const) {
      const { run, events } = setup();
      const error = new ResilienceError(code, 'refused');
      const { fn, seen } = script(error);
      await expect(run(fn)).rejects.toBe(error);
      expect(seen).toHaveLength(1);
      expect(events).toMatchObject([{ type: 'retry.gave-up', why: 'not-retryable', code }]);
    }
  });

  it('reports under its name option, so two retries in one pipeline are told apart', async () => {
    const clock = new VirtualClock(0);
    const p = pipeline(
      retry({ name: 'outer', maxRetries: 0, budget: false }),
      retry({ name: 'inner', budget: false, maxRetries: 1, random: () => 0 }),
    );
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    const { fn } = script(http(503), http(503));
    const result = p.execute(fn, { clock });
    result.catch(() => {});
    await clock.runAll();
    await expect(result).rejects.toMatchObject({ status: 503 });
    expect(events.map((e) => [e.type, e.source])).toEqual([
      ['retry.scheduled', 'inner'],
      ['retry.gave-up', 'inner'],
      ['retry.gave-up', 'outer'],
    ]);
  });

  it('gives up, with the reason of an abort that came during the wait', async () => {
    const { run, clock, events } = setup();
    const controller = new AbortController();
    const result = run(script(http(503)).fn, controller.signal);
    await clock.advance(10);
    controller.abort(new Error('gone'));
    await expect(result).rejects.toThrow('gone');
    expect(events.map((e) => e.type === 'retry.gave-up' && e.why)).toEqual([false, 'aborted']);
  });
});
