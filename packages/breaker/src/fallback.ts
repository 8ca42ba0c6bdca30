import type { Category, Reason } from '@unfazed/classify';
import {
  type CallContext,
  defineMiddleware,
  type EventBase,
  type Middleware,
  type Next,
  ResilienceError,
} from '@unfazed/core';
import { type Classify, classifyFailure, defaultClassify, type FailureArgs } from './failure.ts';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    fallback: FallbackEvent;
  }
}

/** A failure was replaced by the fallback's answer. */
export interface FallbackEvent extends EventBase {
  readonly type: 'fallback';
  readonly source: 'fallback';
  /** The entry of a `when` list that matched, if `when` was a list. */
  readonly matched: string | undefined;
  readonly category: Category;
  readonly errorReason: Reason;
  readonly status: number | undefined;
  readonly code: string | undefined;
}

/** Options of {@link fallback}: `when`, and exactly one of `value` and `fn`. */
export interface FallbackOptions<R = unknown> {
  /**
   * Which failures fall back: a predicate, or a list matched against the pipeline error's code
   * (`'CIRCUIT_OPEN'`, `'TIMEOUT'`, `'BULKHEAD_FULL'`, …), the API error code
   * (`'context_length_exceeded'`), the classification's reason (`'rate_limit_tokens'`) or
   * category (`'transient'`), or the HTTP status (`'503'`).
   * @default transient and network failures, and every failure the pipeline made itself
   */
  when?: ((args: FailureArgs) => boolean | Promise<boolean>) | readonly string[];
  /** The answer to give instead (a static or cached answer). */
  value?: R;
  /** Makes the answer instead, e.g. by calling a cheaper model with `args.ctx.signal`. */
  fn?: (args: FailureArgs) => R | Promise<R>;
  /** Classifies failures. @default classify from @unfazed/classify */
  classify?: Classify;
}

/**
 * Degrades gracefully: when the call fails in a chosen way, answers with `value` or `fn(...)`
 * instead. A call the caller cancelled never falls back. Place it outermost (after telemetry) so
 * it sees what retry and the breaker finally gave up with.
 *
 * @example
 * const p = pipeline(
 *   fallback({ when: ['CIRCUIT_OPEN', 'TIMEOUT'], fn: ({ ctx }) => cheapModel(ctx.request, ctx.signal) }),
 *   retry(),
 *   breaker(),
 * );
 */
export function fallback<R = unknown>(options: FallbackOptions<R>): Middleware {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`fallback: options must be an object, got ${String(options)}`);
  }
  const hasValue = 'value' in options;
  const { fn, when } = options;
  if (hasValue === (fn !== undefined)) {
    throw new TypeError('fallback: give exactly one of value and fn');
  }
  if (fn !== undefined && typeof fn !== 'function') {
    throw new TypeError(`fallback: fn must be a function, got ${String(fn)}`);
  }
  const classify = options.classify ?? defaultClassify;
  let matches: (args: FailureArgs) => string | boolean | Promise<boolean>;
  if (when === undefined) matches = defaultWhen;
  else if (typeof when === 'function') matches = when;
  else if (Array.isArray(when) && when.every((w) => typeof w === 'string')) {
    const list = new Set(when);
    matches = (args) => matchList(list, args) ?? false;
  } else {
    throw new TypeError(
      `fallback: when must be a function or an array of strings, got ${JSON.stringify(when)}`,
    );
  }

  return defineMiddleware('fallback', async function fallback<
    T,
  >(ctx: CallContext, next: Next<T>): Promise<T> {
    try {
      return await next(ctx);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const classification = classifyFailure(error, classify, ctx.clock.now());
      if (classification.category === 'cancelled') throw error;
      const args: FailureArgs = { error, classification, ctx };
      const matched = await matches(args);
      if (matched === false) throw error;
      ctx.emit({
        type: 'fallback',
        source: 'fallback',
        matched: typeof matched === 'string' ? matched : undefined,
        category: classification.category,
        errorReason: classification.reason,
        status: classification.status,
        code: classification.code,
      });
      return (fn ? await fn(args) : options.value) as unknown as T;
    }
  });
}

function defaultWhen({ error, classification }: FailureArgs): boolean {
  return (
    classification.category === 'transient' ||
    classification.category === 'network' ||
    ResilienceError.is(error)
  );
}

function matchList(list: ReadonlySet<string>, { error, classification }: FailureArgs): string | undefined {
  const own = ResilienceError.find(error)?.code;
  const candidates = [own, classification.code, classification.reason, classification.category];
  if (classification.status !== undefined) candidates.push(String(classification.status));
  return candidates.find((c) => c !== undefined && list.has(c));
}
