// What Unfazed policies share of classify: the one guarded verdict they act on.
import { type CallContext, ResilienceError } from '@unfazed/core';
import { describeFailure } from '@unfazed/core/internal';
import { classify } from './classify.ts';
import { CATEGORIES, type Classification, type ClassifyOptions, REASONS } from './vocabulary.ts';

/** A classifier a user may give a policy (`classify` option): same shape as {@link classify}. */
export type Classifier = (error: unknown, options?: ClassifyOptions) => Classification;

/**
 * The verdict a policy acts on. Failures the pipeline made itself always get classify's own
 * verdict (a user's classifier written for API errors cannot make a refusal retryable); anything
 * else goes to `custom` when given. A custom classifier that throws or answers something that is
 * not a classification is a `hook.failed` event, and the built-in verdict is used.
 *
 * @example
 * const c = classifyFailure(ctx, 'retry', error, o.classify);
 * if (c.retryable) ...
 */
export function classifyFailure(
  ctx: CallContext,
  source: string,
  error: unknown,
  custom?: Classifier,
): Classification {
  const now = ctx.clock.now();
  if (custom === undefined || custom === classify || ResilienceError.find(error) !== undefined) {
    return classify(error, { now });
  }
  let problem: unknown;
  try {
    const c = custom(error, { now });
    if (isClassification(c)) return c;
    problem = new TypeError('classify returned something that is not a classification');
  } catch (err) {
    problem = err;
  }
  ctx.emit({ type: 'hook.failed', source, hook: 'classify', error: describeFailure(problem) });
  return classify(error, { now });
}

function isClassification(value: unknown): value is Classification {
  const c = value as Classification | null;
  return (
    c !== null &&
    typeof c === 'object' &&
    typeof c.retryable === 'boolean' &&
    (CATEGORIES as readonly string[]).includes(c.category) &&
    (REASONS as readonly string[]).includes(c.reason)
  );
}
