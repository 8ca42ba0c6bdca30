import { type Category, type Classification, classify } from '@unfazed/classify';
import type { BackoffShape, Jitter } from './backoff-delay.ts';
import { createRetryBudget, type RetryBudget, type RetryBudgetOptions } from './retry-budget.ts';
import type { GiveUpArgs, RetryArgs, ShouldRetryArgs } from './retry-events.ts';

/** Options of `retry()`. Every one is optional. */
export interface RetryOptions {
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
  /** Categories of failure that are retried. Failures the pipeline made itself never are. @default ['transient', 'network'] */
  retryOn?: readonly Category[];
  /**
   * Decides whether to retry a failure instead of `retryOn` (`args.retryable` says what the
   * default would be). May be async. Retry limits, the deadline and the budget still apply.
   */
  shouldRetry?: (args: ShouldRetryArgs) => boolean | Promise<boolean>;
  /**
   * The longest server-requested wait (`retry-after`, `x-ratelimit-reset-*`) that is honoured, in
   * ms; a longer one fails the call at once with a `RetryAfterTooLongError`.
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
  /** Called before each wait. May be async (the wait starts once it settles). */
  onRetry?: (args: RetryArgs) => void | Promise<void>;
  /** Called once when the call fails for good. May be async. */
  onGiveUp?: (args: GiveUpArgs) => void | Promise<void>;
  /** Source of randomness in [0, 1). @default Math.random */
  random?: () => number;
  /** Classifies failures. @default classify from @unfazed/classify */
  classify?: (error: unknown, options?: { now?: number }) => Classification;
}

/** {@link RetryOptions} after validation, defaults filled in. */
export interface ResolvedRetryOptions {
  maxRetries: number;
  shape: BackoffShape;
  retryOn: ReadonlySet<Category>;
  shouldRetry: RetryOptions['shouldRetry'];
  maxRetryAfterMs: number;
  spreadRatio: number;
  spreadMinMs: number;
  deadlineMs: number | undefined;
  budget: RetryBudget | undefined;
  onRetry: RetryOptions['onRetry'];
  onGiveUp: RetryOptions['onGiveUp'];
  random: () => number;
  classify: NonNullable<RetryOptions['classify']>;
}

const JITTERS: readonly Jitter[] = ['full', 'equal', 'decorrelated', 'none'];
const CATEGORIES: readonly Category[] = ['transient', 'client', 'network', 'cancelled', 'unknown'];

/** Validates and normalises once, at construction; a bad option throws a `TypeError` naming it. */
export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const maxRetries = options.maxRetries ?? 3;
  check('maxRetries', maxRetries, Number.isInteger(maxRetries) && maxRetries >= 0, 'an integer >= 0');
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  check('baseDelayMs', baseDelayMs, finite(baseDelayMs) && baseDelayMs >= 0, 'a finite number >= 0');
  const factor = options.factor ?? 2;
  check('factor', factor, finite(factor) && factor >= 1, 'a finite number >= 1');
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  check('maxDelayMs', maxDelayMs, finite(maxDelayMs) && maxDelayMs >= 0, 'a finite number >= 0');
  const jitter = options.jitter ?? 'full';
  check('jitter', jitter, JITTERS.includes(jitter), `one of ${JITTERS.join(', ')}`);
  const retryOn = options.retryOn ?? ['transient', 'network'];
  check(
    'retryOn',
    retryOn,
    Array.isArray(retryOn) && retryOn.every((c) => CATEGORIES.includes(c)),
    `an array of ${CATEGORIES.join(', ')}`,
  );
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  check(
    'maxRetryAfterMs',
    maxRetryAfterMs,
    typeof maxRetryAfterMs === 'number' && maxRetryAfterMs >= 0,
    'a number >= 0',
  );
  const spreadRatio = options.retryAfterSpread?.ratio ?? 0.1;
  check(
    'retryAfterSpread.ratio',
    spreadRatio,
    finite(spreadRatio) && spreadRatio >= 0,
    'a finite number >= 0',
  );
  const spreadMinMs = options.retryAfterSpread?.minMs ?? 250;
  check(
    'retryAfterSpread.minMs',
    spreadMinMs,
    finite(spreadMinMs) && spreadMinMs >= 0,
    'a finite number >= 0',
  );
  const { deadlineMs } = options;
  if (deadlineMs !== undefined) {
    check('deadlineMs', deadlineMs, finite(deadlineMs) && deadlineMs > 0, 'a finite number > 0');
  }
  for (const name of ['shouldRetry', 'onRetry', 'onGiveUp', 'random', 'classify'] as const) {
    const fn = options[name];
    check(name, fn, fn === undefined || typeof fn === 'function', 'a function');
  }
  const budgetOption = options.budget ?? {};
  let budget: RetryBudget | undefined;
  if (budgetOption === false) budget = undefined;
  else if (isBudget(budgetOption)) budget = budgetOption;
  else if (typeof budgetOption === 'object') budget = createRetryBudget(budgetOption);
  else check('budget', budgetOption, false, 'a RetryBudget, budget options or false');

  return {
    maxRetries,
    shape: { baseDelayMs, factor, maxDelayMs, jitter },
    retryOn: new Set(retryOn),
    shouldRetry: options.shouldRetry,
    maxRetryAfterMs,
    spreadRatio,
    spreadMinMs,
    deadlineMs,
    budget,
    onRetry: options.onRetry,
    onGiveUp: options.onGiveUp,
    random: options.random ?? Math.random,
    classify: options.classify ?? classify,
  };
}

function isBudget(value: unknown): value is RetryBudget {
  return (
    typeof (value as RetryBudget).tryRetry === 'function' &&
    typeof (value as RetryBudget).recordRequest === 'function'
  );
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function check(name: string, value: unknown, ok: boolean, rule: string): void {
  if (!ok) throw new TypeError(`retry: ${name} must be ${rule}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}
