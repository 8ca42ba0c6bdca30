import { type CallContext, defineMiddleware, type Middleware, type Next, withContext } from '@unfazed/core';
import { throwIfAborted } from '@unfazed/core/internal';
import { DeadlineWheel, type WheelEntry } from './deadline-wheel.ts';
import { DeadlineExceededError } from './errors.ts';
import { retryAfterFailure } from './retry-loop.ts';
import { type RetryOptions, resolveRetryOptions } from './retry-options.ts';

/**
 * Retries failed attempts that can succeed later: what `classify()` calls retryable, in the
 * `retryOn` categories (`transient` and `network` by default), at most `maxRetries` times, with
 * exponential backoff and jitter (or any cockatiel backoff). A server's hint (`retry-after`, the
 * message's "try again in", `x-ratelimit-reset-*`) wins over the backoff; a hint that is too long
 * fails at once with a `RetryAfterTooLongError`. Never retries client errors, cancelled calls, or
 * the pipeline's own refusals (circuit open, bulkhead full, …). Each attempt runs with
 * `ctx.attempt` set; every wait, hooks included, ends at once with the caller's signal. A per-key
 * retry budget stops retry storms.
 *
 * @example
 * const p = pipeline(retry({ maxRetries: 3, deadlineMs: 60_000 }), breaker(), timeout({ ms: 30_000 }));
 * const answer = await p.execute(({ signal }) => client.chat.completions.create(body, { signal }), {
 *   key: 'gpt-4o',
 * });
 */
export function retry(options?: RetryOptions): Middleware {
  const o = resolveRetryOptions(options);
  const { budget, deadlineMs } = o;
  const wheel =
    deadlineMs === undefined
      ? undefined
      : new DeadlineWheel(deadlineMs, () => new DeadlineExceededError(deadlineMs));

  return defineMiddleware(o.name, async function retry<T>(ctx: CallContext, next: Next<T>): Promise<T> {
    // Nested in another pipeline, an aborted call can reach us: it must not run, nor count.
    throwIfAborted(ctx.signal);
    budget?.recordRequest(ctx.key, ctx.clock.now());
    let entry: WheelEntry | undefined;
    let base = ctx;
    if (wheel !== undefined) {
      entry = wheel.enter(ctx.clock, ctx.signal);
      const deadline = ctx.deadline === undefined ? entry.deadline : Math.min(ctx.deadline, entry.deadline);
      base = withContext(ctx, { signal: entry.signal, deadline });
    }
    try {
      const first = base.attempt === 1 ? base : withContext(base, { attempt: 1 });
      try {
        return await next(first);
      } catch (error) {
        // The slow path lives apart, so the success path stays one await.
        return await retryAfterFailure(o, base, next, error, entry);
      }
    } finally {
      entry?.leave();
    }
  });
}
