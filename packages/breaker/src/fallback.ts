import type { Category } from '@unfazed/classify';
import { type Classifier, classifyFailure } from '@unfazed/classify/internal';
import {
  type CallContext,
  defineMiddleware,
  type EventBase,
  type Middleware,
  type Next,
} from '@unfazed/core';
import {
  fn as fnRule,
  optionError,
  readOptions,
  rule,
  runHook,
  showValue,
  string,
} from '@unfazed/core/internal';
import { type FailureArgs, type FailureFields, failureFields } from './failure.ts';
import { matchList, type When, whenRule } from './fallback-when.ts';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    'fallback.used': FallbackUsedEvent;
  }
}

/** A failure was answered by the fallback (with the failure fields of that failure). */
export interface FallbackUsedEvent extends EventBase, FailureFields {
  readonly type: 'fallback.used';
  /** The entry of a `when` list that matched; `undefined` for a predicate or the default. */
  readonly matched: string | undefined;
}

/** Options of {@link fallback}: `when`, and exactly one of `value` and `fn`. */
export interface FallbackOptions<R = unknown> {
  /** Names the middleware; the `source` of its events. @default 'fallback' */
  name?: string;
  /**
   * Which failures fall back: a predicate (may be async; a throw means no fallback), or a list of
   * ResilienceError codes (`'CIRCUIT_OPEN'`), classify reasons (`'context_length_exceeded'`),
   * categories (`'transient'`) and HTTP statuses (`'503'`), checked when the fallback is made.
   * @default transient, network and rejected failures (the pipeline's own refusals)
   */
  when?: When;
  /** The answer to give instead (a static or cached answer). @default none: give `value` or `fn` */
  value?: R;
  /**
   * Makes the answer instead, e.g. by calling a cheaper model with `args.ctx.signal`. What it
   * throws is the call's outcome: it is the answer, not an observer.
   * @default none: give `value` or `fn`
   */
  fn?: (args: FailureArgs) => R | Promise<R>;
  /** Classifies failures from the call. @default classify of @unfazed/classify */
  classify?: Classifier;
}

const DEFAULT_CATEGORIES: ReadonlySet<Category> = new Set<Category>(['transient', 'network', 'rejected']);

const schema = {
  name: string({ default: 'fallback' }),
  when: whenRule,
  value: rule<unknown>('any value', (value) => value),
  fn: fnRule<(args: FailureArgs) => unknown>(),
  classify: fnRule<Classifier>(),
};

/**
 * Degrades gracefully: when the call fails in a chosen way, answers with `value` or `fn(...)`
 * instead. A call that was cancelled never falls back. Place it outermost (after telemetry), so
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
  const o = readOptions('fallback', options, schema);
  const hasValue = options != null && Object.hasOwn(options, 'value');
  if (hasValue === (o.fn !== undefined)) {
    throw optionError({ owner: 'fallback', path: '' }, 'an object with exactly one of value and fn', options);
  }
  const { name, when, fn } = o;
  const list = Array.isArray(when) ? new Set(when as readonly string[]) : undefined;
  const predicate = typeof when === 'function' ? when : undefined;

  // Whether to fall back, and the list entry that said so.
  const decide = async (args: FailureArgs, ctx: CallContext): Promise<[boolean, string | undefined]> => {
    if (list !== undefined) {
      const matched = matchList(list, args);
      return [matched !== undefined, matched];
    }
    if (predicate === undefined) return [DEFAULT_CATEGORIES.has(args.classification.category), undefined];
    const verdict = await runHook(ctx, name, 'when', () => predicate(args), false);
    if (typeof verdict === 'boolean') return [verdict, undefined];
    ctx.emit({
      type: 'hook.failed',
      source: name,
      hook: 'when',
      error: `when returned ${showValue(verdict)}, not true or false`,
    });
    return [false, undefined];
  };

  return defineMiddleware(name, async function fallback<T>(ctx: CallContext, next: Next<T>): Promise<T> {
    try {
      return await next(ctx);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const classification = classifyFailure(ctx, name, error, o.classify);
      if (classification.category === 'cancelled') throw error;
      const args: FailureArgs = { error, classification, ctx };
      let use: boolean;
      let matched: string | undefined;
      try {
        [use, matched] = await decide(args, ctx);
      } catch {
        throw error; // aborted while a `when` predicate ran: the call's own failure stands
      }
      if (!use) throw error;
      ctx.emit({ type: 'fallback.used', source: name, matched, ...failureFields(classification) });
      return (fn ? await fn(args) : o.value) as T;
    }
  });
}
