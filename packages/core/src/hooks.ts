import { abortReason, raceAbort } from './abort.ts';
import type { CallContext } from './context.ts';

/** What a user hook threw, as a short string for events (never the whole object). */
export function describeFailure(error: unknown): string {
  let text: string;
  try {
    text =
      error instanceof Error
        ? `${error.name}: ${error.message}`
        : typeof error === 'string'
          ? error
          : `a thrown ${error === null ? 'null' : typeof error}`;
  } catch {
    text = 'an unprintable value';
  }
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/**
 * Runs a user hook so that it can never decide a call's outcome by accident: a throw or rejection
 * becomes a `hook.failed` event and `fallback` is used instead, and an async hook is raced against
 * the call's signal, so one that never settles cannot hold the call past its abort (then the
 * abort reason is thrown, as for any wait). A synchronous hook costs no promise.
 *
 * @example
 * const retryable = await runHook(ctx, 'retry', 'shouldRetry', () => o.shouldRetry(args), defaultAnswer);
 */
export function runHook<T>(
  ctx: CallContext,
  source: string,
  hook: string,
  call: () => T | PromiseLike<T>,
  fallback: T,
): T | Promise<T> {
  let result: T | PromiseLike<T>;
  try {
    result = call();
  } catch (error) {
    hookFailed(ctx, source, hook, error);
    return fallback;
  }
  if (!isThenable(result)) return result;
  return raceAbort(Promise.resolve(result), ctx.signal).then(
    (value) => value,
    (error: unknown) => {
      if (ctx.signal.aborted) throw abortReason(ctx.signal);
      hookFailed(ctx, source, hook, error);
      return fallback;
    },
  );
}

/** Calls an observer outside any call (a manual breaker reset): a throw is swallowed. */
export function runObserver(call: () => unknown): void {
  try {
    const result = call();
    if (isThenable(result)) Promise.resolve(result).catch(() => {});
  } catch {
    // Observing must never break what is observed.
  }
}

function hookFailed(ctx: CallContext, source: string, hook: string, error: unknown): void {
  ctx.emit({ type: 'hook.failed', source, hook, error: describeFailure(error) });
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
