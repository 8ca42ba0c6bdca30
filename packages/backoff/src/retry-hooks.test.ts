import { classify } from '@unfazed/classify';
import {
  type CallContext,
  defineMiddleware,
  HttpStatusError,
  pipeline,
  ResilienceError,
  type ResilienceEvent,
  VirtualClock,
  withContext,
} from '@unfazed/core';
import { createContext } from '@unfazed/core/internal';
import { describe, expect, it } from 'vitest';
import { DeadlineExceededError } from './errors.ts';
import { retry } from './retry.ts';
import { createRetryBudget } from './retry-budget.ts';
import type { RetryOptions } from './retry-options.ts';

const unavailable = () => new HttpStatusError({ status: 503 });
const never = () => new Promise<never>(() => {});

/** A call failing with `errors` in turn, then answering 'ok'; counts its attempts. */
function setup(options: RetryOptions, errors: unknown[]) {
  const clock = new VirtualClock(0);
  const p = pipeline(retry({ budget: false, random: () => 0.5, ...options }));
  const events: ResilienceEvent[] = [];
  p.on((e) => events.push(e));
  const calls = { n: 0 };
  const fn = async () => {
    const error = errors[calls.n++];
    if (error !== undefined) throw error;
    return 'ok';
  };
  const run = (signal?: AbortSignal) => {
    const result = p.execute(fn, { clock, signal, key: 'gpt' });
    result.catch(() => {});
    return result;
  };
  const hookFailures = () => events.filter((e) => e.type === 'hook.failed');
  return { clock, events, calls, run, hookFailures };
}

describe('retry’s hooks never decide by accident', () => {
  it.each([
    [
      'throws',
      () => {
        throw new Error('hook bug');
      },
    ],
    [
      'rejects',
      async () => {
        throw new Error('hook bug');
      },
    ],
    ['answers undefined', () => undefined],
    ['answers a truthy object', async () => ({ retry: false })],
  ])('a shouldRetry that %s leaves the default decision: a 503 is retried', async (_what, shouldRetry) => {
    const { run, clock, calls, hookFailures } = setup({ shouldRetry: shouldRetry as never }, [unavailable()]);
    const result = run();
    await clock.runAll();
    await expect(result).resolves.toBe('ok');
    expect(calls.n).toBe(2);
    expect(hookFailures()).toMatchObject([{ source: 'retry', hook: 'shouldRetry', attempt: 1 }]);
  });

  it('a throwing shouldRetry on a 401 leaves it unretried, and the caller gets the 401, not the hook’s error', async () => {
    const denied = new HttpStatusError({ status: 401 });
    const { run, calls, events } = setup(
      {
        shouldRetry: () => {
          throw new Error('hook bug');
        },
      },
      [denied],
    );
    await expect(run()).rejects.toBe(denied);
    expect(calls.n).toBe(1);
    expect(events.map((e) => e.type)).toEqual(['hook.failed', 'retry.gave-up']);
  });

  it('a throwing onRetry is an event: the retry still happens', async () => {
    const { run, clock, calls, hookFailures } = setup(
      {
        onRetry: () => {
          throw new TypeError('cannot log');
        },
      },
      [unavailable(), unavailable()],
    );
    const result = run();
    await clock.runAll();
    await expect(result).resolves.toBe('ok');
    expect(calls.n).toBe(3);
    expect(hookFailures()).toMatchObject([
      { hook: 'onRetry', attempt: 1, error: 'TypeError: cannot log' },
      { hook: 'onRetry', attempt: 2 },
    ]);
  });

  it('a rejecting onGiveUp is an event: the caller gets the original 503', async () => {
    const last = unavailable();
    const { run, clock, hookFailures } = setup(
      { maxRetries: 1, onGiveUp: async () => Promise.reject(new Error('metrics down')) },
      [unavailable(), last],
    );
    const result = run();
    await clock.runAll();
    await expect(result).rejects.toBe(last);
    expect(hookFailures()).toMatchObject([{ hook: 'onGiveUp', error: 'Error: metrics down' }]);
  });

  it('a throwing classify is an event, and classify’s own verdict decides', async () => {
    const { run, clock, calls, hookFailures } = setup(
      {
        classify: () => {
          throw new Error('classifier bug');
        },
      },
      [unavailable()],
    );
    const result = run();
    await clock.runAll();
    await expect(result).resolves.toBe('ok');
    expect(calls.n).toBe(2);
    expect(hookFailures()).toMatchObject([{ hook: 'classify' }]);
  });

  it('a custom classify decides the call’s failures, never the pipeline’s own refusals', async () => {
    const retryEverything = (error: unknown) => ({
      ...classify(error),
      category: 'transient' as const,
      retryable: true,
    });
    const teapot = new HttpStatusError({ status: 418 });
    const open = new ResilienceError('CIRCUIT_OPEN', 'open');
    const a = setup({ classify: retryEverything }, [teapot]);
    const result = a.run();
    await a.clock.runAll();
    await expect(result).resolves.toBe('ok');
    const b = setup({ classify: retryEverything }, [open]);
    await expect(b.run()).rejects.toBe(open);
    expect(b.calls.n).toBe(1);
  });

  it('an onRetry that never settles cannot hold the call past the caller’s abort', async () => {
    const { run, clock, calls, events } = setup({ onRetry: never }, [unavailable()]);
    const controller = new AbortController();
    const result = run(controller.signal);
    await clock.advance(60_000);
    expect(calls.n).toBe(1);
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(events.at(-1)).toMatchObject({ type: 'retry.gave-up', why: 'aborted', attempts: 1 });
    expect(clock.pendingTimers).toBe(0);
  });

  it.each([
    ['onRetry', { onRetry: never }],
    ['shouldRetry', { shouldRetry: never }],
  ])('a %s that never settles cannot hold the call past its deadline', async (_hook, hooks) => {
    const { run, clock, calls, events } = setup({ ...hooks, deadlineMs: 5_000 }, [unavailable()]);
    const result = run();
    await clock.advance(5_000 + 50); // the deadline fires up to its precision (50 ms) late, never early
    const failure = await result.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DeadlineExceededError);
    expect(calls.n).toBe(1);
    expect(events.at(-1)).toMatchObject({ type: 'retry.gave-up', why: 'deadline' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('an onGiveUp that never settles cannot hold the call past its deadline; the caller gets the real error', async () => {
    const denied = new HttpStatusError({ status: 401 });
    const { run, clock } = setup({ onGiveUp: never, deadlineMs: 5_000 }, [denied]);
    const result = run();
    let settled = false;
    result.then(
      () => {},
      () => {
        settled = true;
      },
    );
    await clock.advance(4_000);
    expect(settled).toBe(false); // onGiveUp may take its time, within the deadline
    await clock.advance(1_050);
    await expect(result).rejects.toBe(denied);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('an already-aborted call never runs', () => {
  it('called directly with an aborted signal, retry calls nothing and counts nothing', async () => {
    const budget = createRetryBudget({ ratio: 1, minRetriesPerSecond: 0 });
    const reason = new Error('cancelled before it started');
    for (const options of [{}, { deadlineMs: 1_000 }]) {
      const mw = retry({ ...options, budget });
      const ctx = createContext(
        {
          signal: AbortSignal.abort(reason),
          attempt: 1,
          key: 'gpt',
          tags: {},
          meta: new Map(),
          clock: new VirtualClock(0),
          request: undefined,
          deadline: undefined,
        },
        () => {},
      );
      let nextCalls = 0;
      await expect(
        mw(ctx, async () => {
          nextCalls++;
          return 'ran';
        }),
      ).rejects.toBe(reason);
      expect(nextCalls).toBe(0);
      expect(budget.available('gpt', 0)).toBe(0); // no first attempt was recorded
    }
  });

  it('nested after a middleware that aborted the call, nothing inside it runs', async () => {
    const reason = new Error('aborted by an outer policy');
    const abortIt = defineMiddleware('abortIt', (ctx, next) =>
      next(withContext(ctx, { signal: AbortSignal.abort(reason) })),
    );
    const reached: string[] = [];
    const spy = defineMiddleware('spy', (ctx, next) => {
      reached.push('spy');
      return next(ctx);
    });
    for (const options of [{}, { deadlineMs: 1_000 }]) {
      const p = pipeline(abortIt, retry(options), spy);
      await expect(
        p.execute(async (_ctx: CallContext) => {
          reached.push('fn');
          return 1;
        }),
      ).rejects.toBe(reason);
    }
    expect(reached).toEqual([]);
  });
});

describe('retry: a call that can be sent only once', () => {
  it('is never sent again, whatever the failure', async () => {
    const { markNotReplayable } = await import('@unfazed/core/internal');
    const { pipeline, HttpStatusError, defineMiddleware } = await import('@unfazed/core');
    const { retry } = await import('./retry.ts');
    const once = defineMiddleware('once', (ctx, next) => {
      markNotReplayable(ctx);
      return next(ctx);
    });
    const events: string[] = [];
    const p = pipeline(retry(), once);
    p.on((e) => events.push(e.type === 'retry.gave-up' ? e.why : e.type));
    let sent = 0;
    const failure = new HttpStatusError({ status: 503 });
    await expect(
      p.execute(async () => {
        sent++;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(sent).toBe(1);
    expect(events).toEqual(['not-replayable']);
  });
});
