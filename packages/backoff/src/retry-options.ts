import { CATEGORIES, type Category, type Classification, type ClassifyOptions } from '@unfazed/classify';
import {
  duration,
  fn,
  integer,
  list,
  number,
  object,
  oneOf,
  optionError,
  readOptions,
  rule,
  string,
} from '@unfazed/core/internal';
import type { BackoffShape, Jitter } from './backoff-delay.ts';
import type { BackoffFactory } from './backoff-factory.ts';
import {
  budgetFrom,
  budgetSchema,
  createRetryBudget,
  type RetryBudget,
  type RetryBudgetOptions,
} from './retry-budget.ts';
import type { GiveUpArgs, RetryArgs, ShouldRetryArgs } from './retry-events.ts';

/** Options of `retry()`. Every one is optional. */
export interface RetryOptions {
  /** The middleware's name: its events' `source`, and what stack traces show. @default 'retry' */
  name?: string;
  /** Retries after the first attempt (so at most `maxRetries + 1` attempts). @default 3 */
  maxRetries?: number;
  /** The first retry's exponential delay, in ms. @default 1_000 */
  baseDelayMs?: number;
  /** Each retry's delay is this times the previous one. @default 2 */
  factor?: number;
  /** Cap of the exponential delay, in ms. @default 20_000 */
  maxDelayMs?: number;
  /** How the backoff is randomised (see {@link Jitter}). @default 'full' */
  jitter?: Jitter;
  /**
   * Where the delays come from instead of `baseDelayMs`/`factor`/`maxDelayMs`/`jitter` (giving both
   * is a `TypeError`): any cockatiel `IBackoffFactory` (`new ExponentialBackoff()`,
   * `new ConstantBackoff(500)`, `new IterableBackoff([100, 1_000])`, `new DelegateBackoff(fn)`) or
   * an object of the same shape. Asked once per call, then step by step; a server's hint still wins.
   * @default the exponential backoff above
   */
  backoff?: BackoffFactory;
  /**
   * Categories of failure (classify's) that are retried. `transient` and `network` failures are
   * retried when classify calls them retryable (an `x-should-retry: false` answer vetoes); any other
   * category listed here is retried whatever classify says, because you asked for it.
   * @default ['transient', 'network']
   */
  retryOn?: readonly Category[];
  /**
   * Decides whether to retry a failure instead of `retryOn` (`args.retryable` says what the
   * default would be). May be async. Retry limits, the deadline and the budget still apply. If it
   * throws, rejects or answers something other than `true`/`false`, the default decision stands
   * (and a `hook.failed` event says so).
   */
  shouldRetry?: (args: ShouldRetryArgs) => boolean | Promise<boolean>;
  /** Called before each wait. May be async (the wait starts once it settles). A throw is a `hook.failed` event. */
  onRetry?: (args: RetryArgs) => void | Promise<void>;
  /** Called once when the call fails for good. May be async. A throw is a `hook.failed` event. */
  onGiveUp?: (args: GiveUpArgs) => void | Promise<void>;
  /** Source of randomness in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * Classifies failures of the call (never the pipeline's own refusals). A throw or a nonsense
   * answer is a `hook.failed` event, and classify's own verdict is used.
   * @default classify from @unfazed/classify
   */
  classify?: Classifier;
  /**
   * The longest server-requested wait (`retry-after`, the message's "try again in",
   * `x-ratelimit-reset-*`) that is honoured, in ms; a longer one fails the call at once with a
   * `RetryAfterTooLongError`. `Infinity` honours any.
   * @default 60_000
   */
  maxRetryAfterMs?: number;
  /**
   * A server's wait gets a random extra of up to `max(ratio × wait, minMs)`, so callers told the
   * same time do not come back in the same instant.
   * @default { ratio: 0.1, minMs: 250 }
   */
  retryAfterSpread?: { ratio?: number; minMs?: number };
  /**
   * Total time for the call, every attempt and wait included, in ms. Sets `ctx.deadline`, aborts
   * the attempts' signal with a `DeadlineExceededError` when it passes, and no wait may end past it.
   * @default undefined (no deadline of its own; an outer `ctx.deadline` is still honoured)
   */
  deadlineMs?: number;
  /**
   * The retry budget: a shared one from `createRetryBudget()`, options for a private one, or
   * `false` for none.
   * @default a private budget with createRetryBudget's defaults (20 % over 10 s, at least 3/s)
   */
  budget?: RetryBudget | RetryBudgetOptions | false;
}

/** A classifier of the call's failures: the shape of `classify` from `@unfazed/classify`. */
type Classifier = (error: unknown, options?: ClassifyOptions) => Classification;

const JITTERS = ['full', 'equal', 'decorrelated', 'none'] as const satisfies readonly Jitter[];
const SHAPE_OPTIONS = ['baseDelayMs', 'factor', 'maxDelayMs', 'jitter'] as const;

const isBudget = (value: unknown): value is RetryBudget =>
  typeof (value as RetryBudget).tryRetry === 'function' &&
  typeof (value as RetryBudget).recordRequest === 'function';

const budgetRule = rule<RetryBudget | false>('a RetryBudget, budget options or false', (value, place) => {
  if (value === false) return false;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw optionError(place, 'a RetryBudget, budget options or false', value);
  }
  return isBudget(value) ? value : budgetFrom(readOptions(place.owner, value, budgetSchema, place.path));
});

const BACKOFF_WORDS = "a backoff factory (an object with next(context), like cockatiel's ExponentialBackoff)";

const backoffRule = rule<BackoffFactory>(BACKOFF_WORDS, (value, place) => {
  if (value !== null && typeof value === 'object' && typeof (value as BackoffFactory).next === 'function') {
    return value as BackoffFactory;
  }
  // `backoff: ExponentialBackoff` (the class, not an instance) is the likely slip.
  throw optionError(
    place,
    BACKOFF_WORDS,
    value,
    typeof value === 'function' ? 'pass an instance: new …()' : undefined,
  );
});

const schema = {
  name: string({ default: 'retry' }),
  maxRetries: integer({ min: 0, default: 3 }),
  baseDelayMs: duration({ default: 1_000 }),
  factor: number({ min: 1, default: 2 }),
  maxDelayMs: duration({ default: 20_000 }),
  jitter: oneOf(JITTERS, { default: 'full' }),
  backoff: backoffRule,
  retryOn: list(oneOf(CATEGORIES, { required: true }), {
    default: ['transient', 'network'] as readonly Category[],
  }),
  shouldRetry: fn<(args: ShouldRetryArgs) => boolean | Promise<boolean>>(),
  onRetry: fn<(args: RetryArgs) => void | Promise<void>>(),
  onGiveUp: fn<(args: GiveUpArgs) => void | Promise<void>>(),
  random: fn<() => number, { default: () => number }>({ default: Math.random }),
  classify: fn<Classifier>(),
  maxRetryAfterMs: duration({ default: 60_000, infinity: true }),
  retryAfterSpread: object({
    ratio: number({ min: 0, default: 0.1 }),
    minMs: duration({ default: 250 }),
  }),
  deadlineMs: duration({ above: 0 }),
  budget: budgetRule,
};

/** {@link RetryOptions} after reading, defaults filled in. */
export interface ResolvedRetryOptions {
  readonly name: string;
  readonly maxRetries: number;
  /** The built-in backoff, when no `backoff` was given. */
  readonly shape: BackoffShape;
  readonly backoff: BackoffFactory | undefined;
  readonly retryOn: ReadonlySet<Category>;
  readonly shouldRetry: RetryOptions['shouldRetry'];
  readonly onRetry: RetryOptions['onRetry'];
  readonly onGiveUp: RetryOptions['onGiveUp'];
  readonly random: () => number;
  readonly classify: Classifier | undefined;
  readonly maxRetryAfterMs: number;
  readonly spreadRatio: number;
  readonly spreadMinMs: number;
  readonly deadlineMs: number | undefined;
  readonly budget: RetryBudget | undefined;
}

/** Reads `retry()`'s options once, at construction: a bad one throws a `TypeError` naming it and its value. */
export function resolveRetryOptions(options: RetryOptions | undefined): ResolvedRetryOptions {
  const o = readOptions('retry', options, schema);
  if (o.backoff !== undefined) {
    // The built-in shape would be silently ignored: say so instead.
    const given = options as Record<string, unknown>;
    const clash = SHAPE_OPTIONS.find((key) => given[key] !== undefined);
    if (clash !== undefined) {
      throw optionError({ owner: 'retry', path: clash }, 'left out when backoff is given', given[clash]);
    }
  }
  return {
    name: o.name,
    maxRetries: o.maxRetries,
    shape: { baseDelayMs: o.baseDelayMs, factor: o.factor, maxDelayMs: o.maxDelayMs, jitter: o.jitter },
    backoff: o.backoff,
    retryOn: new Set(o.retryOn),
    shouldRetry: o.shouldRetry,
    onRetry: o.onRetry,
    onGiveUp: o.onGiveUp,
    random: o.random,
    classify: o.classify,
    maxRetryAfterMs: o.maxRetryAfterMs,
    spreadRatio: o.retryAfterSpread.ratio,
    spreadMinMs: o.retryAfterSpread.minMs,
    deadlineMs: o.deadlineMs,
    budget: o.budget === undefined ? createRetryBudget() : o.budget || undefined,
  };
}
