import type { Classification } from '@unfazed/classify';
import {
  type CallContext,
  defineMiddleware,
  type Middleware,
  type Next,
  ResilienceError,
  remainingTime,
  sleepOn,
  withContext,
} from '@unfazed/core';
import { classifyFailure } from './classify-failure.ts';
import { DeadlineWheel, type WheelEntry } from './deadline-wheel.ts';
import { DeadlineExceededError, RetryAfterTooLongError } from './errors.ts';
import { BackoffSequence, nextDelay } from './retry-delay.ts';
import type { DelaySource, GiveUpReason } from './retry-events.ts';
import { type ResolvedRetryOptions, type RetryOptions, resolveRetryOptions } from './retry-options.ts';

/**
 * Retries failed attempts that can succeed later: `transient` and `network` failures (from
 * `classify()`), at most `maxRetries` times, with exponential backoff and jitter. A server's
 * `retry-after` hint wins over the backoff; a hint that is too long fails at once with a
 * `RetryAfterTooLongError`. Never retries client errors, cancelled calls, or failures the pipeline
 * made itself (circuit open, bulkhead full, …). Each attempt runs with `ctx.attempt` set; every
 * wait aborts at once with the caller's signal. A per-key retry budget stops retry storms.
 *
 * @example
 * const p = pipeline(retry({ maxRetries: 3, deadlineMs: 60_000 }), breaker(), timeout({ ms: 30_000 }));
 * const answer = await p.execute(({ signal }) => client.chat.completions.create(body, { signal }), {
 *   key: 'gpt-4o',
 * });
 */
export function retry(options: RetryOptions = {}): Middleware {
  const o = resolveRetryOptions(options);
  const wheel =
    o.deadlineMs === undefined
      ? undefined
      : new DeadlineWheel(o.deadlineMs, () => new DeadlineExceededError(o.deadlineMs as number));

  return defineMiddleware('retry', async function retry<T>(ctx: CallContext, next: Next<T>): Promise<T> {
    o.budget?.recordRequest(ctx.key, ctx.clock.now());
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
        return await retryAfterFailure(o, base, next, error, entry);
      }
    } finally {
      entry?.leave();
    }
  });
}

// The slow path, kept apart so the success path stays one await.
async function retryAfterFailure<T>(
  o: ResolvedRetryOptions,
  ctx: CallContext,
  next: Next<T>,
  firstError: unknown,
  entry: WheelEntry | undefined,
): Promise<T> {
  const requestIds: (string | undefined)[] = [];
  let sequence: BackoffSequence | undefined;
  let error = firstError;
  let current = ctx;
  for (let attempt = 1; ; attempt++) {
    const classification = classifyFailure(error, o.classify, ctx.clock.now());
    requestIds.push(classification.requestId);
    const giveUp = (reason: GiveUpReason, thrown: unknown, delayMs?: number, delaySource?: DelaySource) =>
      reportGiveUp(o, {
        ctx: current,
        error: thrown,
        classification,
        attempt,
        reason,
        delayMs,
        delaySource,
        requestIds,
      });

    if (ctx.signal.aborted) {
      if (entry?.expired) {
        const reason = ctx.signal.reason;
        const thrown =
          error === reason ? error : new DeadlineExceededError(o.deadlineMs as number, { cause: error });
        throw await giveUp('deadline', thrown);
      }
      throw await giveUp('aborted', error);
    }
    let retryable =
      !isOwnError(error) &&
      o.retryOn.has(classification.category) &&
      (classification.retryable ||
        (classification.category !== 'transient' && classification.category !== 'network'));
    if (o.shouldRetry) {
      retryable = await o.shouldRetry({ ctx: current, error, classification, attempt, retryable });
    }
    if (!retryable) throw await giveUp('not-retryable', error);
    if (attempt > o.maxRetries) throw await giveUp('exhausted', error);

    sequence ??= new BackoffSequence(o.shape, o.random);
    const decision = nextDelay(o, classification, sequence, remainingTime(ctx));
    if (!decision.ok) {
      const thrown =
        decision.reason === 'retry-after-too-long'
          ? new RetryAfterTooLongError(decision.delayMs, decision.limitMs, { cause: error })
          : error;
      throw await giveUp(decision.reason, thrown, decision.delayMs, decision.delaySource);
    }
    const { delayMs, delaySource } = decision;
    if (o.budget && !o.budget.tryRetry(ctx.key, ctx.clock.now())) {
      throw await giveUp('budget', error, delayMs, delaySource);
    }
    current.emit({
      type: 'retry',
      source: 'retry',
      delayMs,
      delaySource,
      failedAttempt: attempt,
      ...failureFields(classification, requestIds),
    });
    if (o.onRetry) {
      try {
        await o.onRetry({
          ctx: current,
          error,
          classification,
          attempt,
          delayMs,
          delaySource,
          requestIds: [...requestIds],
        });
      } catch {
        // Observing a retry must never change it; use shouldRetry to decide.
      }
    }
    await sleepOn(ctx.clock, delayMs, ctx.signal);
    current = withContext(ctx, { attempt: attempt + 1 });
    try {
      return await next(current);
    } catch (nextError) {
      error = nextError;
    }
  }
}

// A failure the pipeline made itself means "not now", except a per-attempt timeout.
function isOwnError(error: unknown): boolean {
  const own = ResilienceError.find(error);
  return own !== undefined && own.code !== 'TIMEOUT';
}

interface GiveUpReport {
  ctx: CallContext;
  error: unknown;
  classification: Classification;
  attempt: number;
  reason: GiveUpReason;
  delayMs: number | undefined;
  delaySource: DelaySource | undefined;
  requestIds: (string | undefined)[];
}

async function reportGiveUp(o: ResolvedRetryOptions, report: GiveUpReport): Promise<unknown> {
  const { ctx, classification, attempt, reason, delayMs, requestIds } = report;
  ctx.emit({
    type: 'retry.give-up',
    source: 'retry',
    reason,
    attempts: attempt,
    delayMs,
    ...failureFields(classification, requestIds),
  });
  if (o.onGiveUp) {
    try {
      await o.onGiveUp({ ...report, requestIds: [...requestIds] });
    } catch {
      // The call's own failure is what the caller must see, not a failing observer.
    }
  }
  return report.error;
}

function failureFields(c: Classification, requestIds: (string | undefined)[]) {
  return {
    category: c.category,
    errorReason: c.reason,
    status: c.status,
    code: c.code,
    requestIds: [...requestIds],
  };
}
