import {
  type CallContext,
  HttpStatusError,
  pipeline,
  type ResilienceEvent,
  VirtualClock,
} from '@unfazed/core';
import {
  ConstantBackoff,
  DelegateBackoff,
  ExponentialBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  IterableBackoff,
  noJitterGenerator,
} from 'cockatiel';
import { describe, expect, it } from 'vitest';
import type { BackoffContext, BackoffFactory } from './backoff-factory.ts';
import { retry } from './retry.ts';
import type { RetryOptions } from './retry-options.ts';

const http = (status: number, headers: Record<string, string> = {}) =>
  new HttpStatusError({ status, headers });

// cockatiel's own factories and contexts fit our structural types, both ways.
const asOurs: BackoffFactory = new ExponentialBackoff();
const theirs: IBackoffFactory<IRetryBackoffContext<unknown>> = asOurs;
const context: IRetryBackoffContext<unknown> = {} as BackoffContext;
void [theirs, context];

/** Runs one call that fails with `errors` in turn, then answers; returns the waits it took. */
async function delaysOf(options: RetryOptions, errors: unknown[], signal?: AbortSignal) {
  const clock = new VirtualClock(0);
  const p = pipeline(retry({ budget: false, random: () => 0, maxRetries: errors.length, ...options }));
  const events: ResilienceEvent[] = [];
  p.on((e) => events.push(e));
  let n = 0;
  const result = p.execute(
    async () => {
      const error = errors[n++];
      if (error !== undefined) throw error;
      return 'ok';
    },
    { clock, signal },
  );
  result.catch(() => {});
  await clock.runAll();
  await expect(result).resolves.toBe('ok');
  expect(clock.pendingTimers).toBe(0);
  const delays = events.flatMap((e) => (e.type === 'retry.scheduled' ? [[e.delayMs, e.delaySource]] : []));
  return { delays, events };
}

const failures = (n: number) => Array.from({ length: n }, () => http(503));

describe('retry({ backoff }) with cockatiel’s backoffs', () => {
  it('ConstantBackoff: the same wait every time', async () => {
    const { delays } = await delaysOf({ backoff: new ConstantBackoff(250) }, failures(3));
    expect(delays).toEqual([
      [250, 'backoff'],
      [250, 'backoff'],
      [250, 'backoff'],
    ]);
  });

  it('IterableBackoff: the listed waits in order, then the last one again', async () => {
    const { delays } = await delaysOf({ backoff: new IterableBackoff([100, 1_000, 5_000]) }, failures(4));
    expect(delays.map(([ms]) => ms)).toEqual([100, 1_000, 5_000, 5_000]);
  });

  it('ExponentialBackoff with noJitterGenerator: initialDelay doubling up to maxDelay', async () => {
    const backoff = new ExponentialBackoff({
      initialDelay: 100,
      maxDelay: 1_000,
      generator: noJitterGenerator,
    });
    const { delays } = await delaysOf({ backoff }, failures(5));
    expect(delays.map(([ms]) => ms)).toEqual([100, 200, 400, 800, 1_000]);
  });

  it('ExponentialBackoff with its default decorrelated jitter stays within maxDelay, rounded up to whole ms', async () => {
    const { delays } = await delaysOf({ backoff: new ExponentialBackoff({ maxDelay: 2_000 }) }, failures(6));
    expect(delays).toHaveLength(6);
    for (const [ms] of delays) {
      expect(Number.isInteger(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(2_000);
    }
  });

  it('DelegateBackoff gets cockatiel’s context: the retry’s attempt, the failure, the call’s signal', async () => {
    const seen: IRetryBackoffContext<unknown>[] = [];
    const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>, number>((ctx, state = 10) => {
      seen.push(ctx);
      return { delay: state, state: state * 3 };
    });
    const errors = [http(503), http(502)];
    const controller = new AbortController();
    const { delays } = await delaysOf({ backoff }, errors, controller.signal);
    expect(delays.map(([ms]) => ms)).toEqual([10, 30]);
    expect(seen.map((c) => c.attempt)).toEqual([1, 2]);
    expect(seen.map((c) => ('error' in c.result ? c.result.error : undefined))).toEqual(errors);
    expect(seen[0]!.signal).toBe(controller.signal);
  });

  it('takes a user’s own factory of the same shape, fresh for every call', async () => {
    const made: number[] = [];
    const step = (ms: number) => ({ duration: ms, next: () => step(ms * 2) });
    const backoff: BackoffFactory = {
      next: ({ attempt }) => {
        made.push(attempt);
        return step(7);
      },
    };
    expect((await delaysOf({ backoff }, failures(3))).delays.map(([ms]) => ms)).toEqual([7, 14, 28]);
    expect((await delaysOf({ backoff }, failures(1))).delays.map(([ms]) => ms)).toEqual([7]);
    expect(made).toEqual([1, 1]);
  });

  it('lets a server’s hint win, without advancing the backoff', async () => {
    const hinted = new HttpStatusError({
      status: 429,
      headers: { 'retry-after-ms': '3000' },
      body: { error: { code: 'rate_limit_exceeded', type: 'requests', message: 'Rate limit reached' } },
    });
    const { delays } = await delaysOf({ backoff: new IterableBackoff([100, 1_000]) }, [
      http(503),
      hinted,
      http(503),
    ]);
    expect(delays).toEqual([
      [100, 'backoff'],
      [3_000, 'retry-after'],
      [1_000, 'backoff'],
    ]);
  });

  it('refuses a backoff wait that would end past the deadline, failing with the real error', async () => {
    const clock = new VirtualClock(0);
    const p = pipeline(retry({ budget: false, backoff: new ConstantBackoff(5_000), deadlineMs: 4_000 }));
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    const error = http(503);
    await expect(p.execute(() => Promise.reject(error), { clock })).rejects.toBe(error);
    expect(events).toMatchObject([
      { type: 'retry.gave-up', why: 'deadline', delayMs: 5_000, delaySource: 'backoff' },
    ]);
    expect(clock.pendingTimers).toBe(0);
  });

  it.each([
    [
      'throws',
      {
        next: () => {
          throw new Error('broken backoff');
        },
      },
      'Error: broken backoff',
    ],
    [
      'answers NaN',
      {
        next: () => ({
          duration: Number.NaN,
          next: () => {
            throw new Error('unused');
          },
        }),
      },
      'NaN',
    ],
    ['answers a negative wait', new IterableBackoff([-5]), '-5'],
    ['answers nothing', { next: () => undefined }, 'undefined'],
  ])(
    'a backoff that %s is a hook.failed event; the call backs off by the defaults',
    async (_what, backoff, shown) => {
      const { delays, events } = await delaysOf(
        { backoff: backoff as never, random: () => 0.5 },
        failures(2),
      );
      // The defaults: 1 s doubling, full jitter (random 0.5 → half).
      expect(delays).toEqual([
        [500, 'backoff'],
        [1_000, 'backoff'],
      ]);
      const failed = events.filter((e) => e.type === 'hook.failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ source: 'retry', hook: 'backoff' });
      expect((failed[0] as { error: string }).error).toContain(shown);
    },
  );

  it('numbers attempts as cockatiel does: the first retry is attempt 1', async () => {
    const attempts: number[] = [];
    const seenCtx: CallContext[] = [];
    const backoff = new DelegateBackoff((c: IRetryBackoffContext<unknown>) => {
      attempts.push(c.attempt);
      return 0;
    });
    const clock = new VirtualClock(0);
    const p = pipeline(retry({ budget: false, backoff }));
    let n = 0;
    const result = p.execute(
      async (ctx) => {
        seenCtx.push(ctx);
        if (++n < 4) throw http(500);
        return n;
      },
      { clock },
    );
    await clock.runAll();
    await expect(result).resolves.toBe(4);
    expect(attempts).toEqual([1, 2, 3]);
    expect(seenCtx.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
  });
});
