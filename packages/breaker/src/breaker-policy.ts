import {
  duration,
  integer,
  number,
  optionError,
  type Place,
  type Rule,
  readOptions,
  rule,
  showValue,
} from '@unfazed/core/internal';
import {
  type CockatielBreaker,
  type FailureCounter,
  ForeignCounter,
  PolicyCounter,
} from './failure-counter.ts';
import { RatioWindow } from './ratio-window.ts';

/**
 * When a closed circuit opens. Give `consecutive`, `ratio`, or both (then both must hold):
 * - `consecutive: n`: the last `n` counted outcomes were all failures (a success restarts the run).
 * - `ratio` (0, 1]: at least that share of the outcomes of the last `windowMs` failed, once
 *   `minThroughput` outcomes were seen in the window.
 *
 * Or a cockatiel breaker (`new CountBreaker(...)`, your own `{ state, success, failure }`): a
 * function returning one gives each key its own (recommended); an instance is shared by every key.
 */
export type BreakerPolicy =
  | {
      /** Failures in a row that open the circuit. @default none: give `consecutive`, `ratio` or both */
      consecutive?: number;
      /** Share of failures, in (0, 1], over `windowMs` that opens the circuit. @default none */
      ratio?: number;
      /** The ratio's sliding window, in ms. @default 10_000 */
      windowMs?: number;
      /** Outcomes needed in the window before the ratio is trusted. @default 20 alone, 1 with `consecutive` */
      minThroughput?: number;
    }
  | CockatielBreaker
  | (() => CockatielBreaker);

/** The default: opens on an outage, not on a chance run of failures at high traffic. */
export const DEFAULT_POLICY = { consecutive: 5, ratio: 0.5, windowMs: 10_000 } as const;

const WORDS =
  '{ consecutive }, { ratio, windowMs?, minThroughput? } or both, a cockatiel breaker ({ state, success, failure }) or a function returning one';

const ownSchema = {
  consecutive: integer({ min: 1 }),
  ratio: number({ above: 0, max: 1 }),
  windowMs: duration({ above: 0 }),
  minThroughput: integer({ min: 1 }),
};

function isBreaker(value: unknown): value is CockatielBreaker {
  const b = value as CockatielBreaker | null;
  return (
    b !== null && typeof b === 'object' && typeof b.success === 'function' && typeof b.failure === 'function'
  );
}

/** Reads `policy` once, at construction, into a maker of one circuit's counter. */
export function readPolicy(value: unknown, place: Place): () => FailureCounter {
  if (typeof value === 'function') {
    let made: unknown;
    try {
      made = value();
    } catch (error) {
      made = error;
    }
    if (!isBreaker(made)) throw optionError(place, WORDS, value, `it returned ${showValue(made)}`);
    return () => new ForeignCounter(value() as CockatielBreaker);
  }
  if (isBreaker(value)) {
    const shared = new ForeignCounter(value);
    return () => shared;
  }
  // Half a cockatiel breaker (a `success` but no `failure`) is a mistake, not unknown options.
  const half = value !== null && typeof value === 'object' && ('success' in value || 'failure' in value);
  if (half || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw optionError(place, WORDS, value);
  }
  const o = readOptions(place.owner, value, ownSchema, place.path);
  if (o.consecutive === undefined && o.ratio === undefined) throw optionError(place, WORDS, value);
  if (o.ratio === undefined) {
    const stray =
      o.windowMs !== undefined ? 'windowMs' : o.minThroughput !== undefined ? 'minThroughput' : undefined;
    if (stray !== undefined) {
      throw optionError({ ...place, path: `${place.path}.${stray}` }, 'left out without ratio', o[stray]);
    }
  }
  const { consecutive, ratio } = o;
  const windowMs = o.windowMs ?? DEFAULT_POLICY.windowMs;
  // With a run of failures required, the run is the evidence: one outcome in the window is enough,
  // so a service called once a minute still opens its circuit after `consecutive` failures.
  const minThroughput = o.minThroughput ?? (consecutive === undefined ? 20 : 1);
  return () =>
    new PolicyCounter(
      consecutive,
      ratio === undefined ? undefined : new RatioWindow(ratio, windowMs, minThroughput),
    );
}

/** The `policy` option's rule. */
export const policyRule: Rule<() => FailureCounter> = rule(WORDS, readPolicy, {
  default: readPolicy(DEFAULT_POLICY, { owner: 'breaker', path: 'policy' }),
});
