import { classifyFailure } from '@unfazed/classify/internal';
import { type CallContext, type Next, remainingTime, withContext } from '@unfazed/core';
import { isReplayable, runHook, sleepOn } from '@unfazed/core/internal';
import { BackoffSequence } from './backoff-delay.ts';
import { type DelaySequence, FactorySequence } from './backoff-factory.ts';
import type { WheelEntry } from './deadline-wheel.ts';
import { DeadlineExceededError, RetryAfterTooLongError } from './errors.ts';
import { nextDelay } from './retry-delay.ts';
import type { DelaySource, GiveUpReason, ShouldRetryArgs } from './retry-events.ts';
import type { ResolvedRetryOptions } from './retry-options.ts';
import { askShouldRetry, failureFields, reportGiveUp } from './retry-report.ts';

/**
 * What `retry()` does once an attempt failed: classify, decide, wait, try again, until an attempt
 * succeeds (its value is returned) or retrying stops (the error to fail with is thrown, after a
 * `retry.gave-up` event). `ctx` is the call's context with its deadline; `entry` its deadline's.
 */
export async function retryAfterFailure<T>(
  o: ResolvedRetryOptions,
  ctx: CallContext,
  next: Next<T>,
  firstError: unknown,
  entry: WheelEntry | undefined,
): Promise<T> {
  const requestIds: (string | undefined)[] = [];
  let delays: DelaySequence | undefined;
  let error = firstError;
  let current = ctx;
  for (let attempt = 1; ; attempt++) {
    const classification = classifyFailure(current, o.name, error, o.classify);
    requestIds.push(classification.requestId);
    const giveUp = (why: GiveUpReason, thrown: unknown, delayMs?: number, delaySource?: DelaySource) =>
      reportGiveUp(o, {
        ctx: current,
        error: thrown,
        classification,
        attempt,
        why,
        delayMs,
        delaySource,
        requestIds,
      });
    // A wait of ours (a hook, the backoff) ended by the signal: the call ends with its reason.
    const stopped = (reason: unknown) => giveUp(entry?.expired ? 'deadline' : 'aborted', reason);

    if (ctx.signal.aborted) {
      if (!entry?.expired) throw await giveUp('aborted', error);
      const reason = ctx.signal.reason;
      const deadlineMs = o.deadlineMs as number;
      throw await giveUp(
        'deadline',
        error === reason ? error : new DeadlineExceededError(deadlineMs, { cause: error }),
      );
    }
    const { category } = classification;
    // Categories beyond the two retryable ones are retried only because `retryOn` lists them.
    let retryable =
      o.retryOn.has(category) &&
      (classification.retryable || (category !== 'transient' && category !== 'network'));
    if (o.shouldRetry !== undefined) {
      const args: ShouldRetryArgs = { ctx: current, error, classification, attempt, retryable };
      try {
        retryable = await askShouldRetry(o, args);
      } catch (reason) {
        throw await stopped(reason);
      }
    }
    if (!retryable) throw await giveUp('not-retryable', error);
    if (!isReplayable(ctx)) throw await giveUp('not-replayable', error);
    if (attempt > o.maxRetries) throw await giveUp('exhausted', error);

    // Made at the first wait, so a call that never retries costs no sequence.
    delays ??= o.backoff
      ? new FactorySequence(o.backoff, o.name, o.random)
      : new BackoffSequence(o.shape, o.random);
    const sequence = delays;
    const decision = nextDelay(
      o,
      classification,
      () => sequence.next(current, attempt, error),
      remainingTime(ctx),
    );
    if (!decision.ok) {
      const thrown =
        decision.why === 'retry-after-too-long'
          ? new RetryAfterTooLongError(decision.delayMs, decision.limitMs, { cause: error })
          : error;
      throw await giveUp(decision.why, thrown, decision.delayMs, decision.delaySource);
    }
    const { delayMs, delaySource } = decision;
    if (o.budget && !o.budget.tryRetry(ctx.key, ctx.clock.now())) {
      throw await giveUp('budget', error, delayMs, delaySource);
    }
    const ids = Object.freeze([...requestIds]);
    current.emit({
      type: 'retry.scheduled',
      source: o.name,
      delayMs,
      delaySource,
      failedAttempt: attempt,
      ...failureFields(classification),
      requestIds: ids,
    });
    try {
      if (o.onRetry !== undefined) {
        const args = { ctx: current, error, classification, attempt, delayMs, delaySource, requestIds: ids };
        const onRetry = o.onRetry;
        await runHook(current, o.name, 'onRetry', () => onRetry(args), undefined);
      }
      await sleepOn(ctx.clock, delayMs, ctx.signal);
    } catch (reason) {
      // Only an abort gets here: runHook turns a failing hook into an event.
      throw await stopped(reason);
    }
    current = withContext(ctx, { attempt: attempt + 1 });
    try {
      return await next(current);
    } catch (nextError) {
      error = nextError;
    }
  }
}
