import type { Classification } from '@unfazed/classify';
import type { CallContext } from '@unfazed/core';
import { runHook, showValue } from '@unfazed/core/internal';
import type { DelaySource, GiveUpReason, ShouldRetryArgs } from './retry-events.ts';
import type { ResolvedRetryOptions } from './retry-options.ts';

// How retry() calls its hooks and reports: through runHook, so a hook that throws, rejects or
// answers nonsense is a `hook.failed` event and never decides the call's outcome.

/** `shouldRetry`'s answer, or `args.retryable` when it fails; throws only the abort reason. */
export function askShouldRetry(o: ResolvedRetryOptions, args: ShouldRetryArgs): boolean | Promise<boolean> {
  const shouldRetry = o.shouldRetry as NonNullable<ResolvedRetryOptions['shouldRetry']>;
  return runHook(
    args.ctx,
    o.name,
    'shouldRetry',
    () => {
      const answer: unknown = shouldRetry(args);
      return isThenable(answer) ? Promise.resolve(answer).then(yesOrNo) : yesOrNo(answer);
    },
    args.retryable,
  );
}

// A hook that forgot to return (undefined) or returned a truthy object must not decide by accident.
function yesOrNo(answer: unknown): boolean {
  if (typeof answer === 'boolean') return answer;
  throw new TypeError(`shouldRetry answered ${showValue(answer)}, not true or false`);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Everything `retry.gave-up` and `onGiveUp` are told. */
export interface GiveUpReport {
  ctx: CallContext;
  error: unknown;
  classification: Classification;
  attempt: number;
  why: GiveUpReason;
  delayMs: number | undefined;
  delaySource: DelaySource | undefined;
  requestIds: readonly (string | undefined)[];
}

// Emits `retry.gave-up`, tells onGiveUp, and hands back the error the call fails with.
export async function reportGiveUp(o: ResolvedRetryOptions, report: GiveUpReport): Promise<unknown> {
  const { ctx, classification, attempt, why, delayMs, delaySource } = report;
  const requestIds = Object.freeze([...report.requestIds]);
  ctx.emit({
    type: 'retry.gave-up',
    source: o.name,
    why,
    attempts: attempt,
    delayMs,
    delaySource,
    ...failureFields(classification),
    requestIds,
  });
  if (o.onGiveUp !== undefined) {
    const onGiveUp = o.onGiveUp;
    const args = { ...report, requestIds };
    try {
      await runHook(ctx, o.name, 'onGiveUp', () => onGiveUp(args), undefined);
    } catch {
      // The signal aborted while onGiveUp ran: the call's own failure is still what the caller sees.
    }
  }
  return report.error;
}

/** classify's verdict as the failure fields of docs/events.md. */
export function failureFields(c: Classification) {
  return { category: c.category, reason: c.reason, status: c.status, code: c.code, requestId: c.requestId };
}
