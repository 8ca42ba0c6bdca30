import type { Classifier } from '@unfazed/classify/internal';
import { type Clock, realClock } from '@unfazed/core';
import {
  boolean,
  clockRule,
  duration,
  fn,
  integer,
  optionError,
  readOptions,
  shape,
  showValue,
  string,
} from '@unfazed/core/internal';
import type { StateChangeArgs } from './breaker-events.ts';
import { type BreakerPolicy, policyRule } from './breaker-policy.ts';
import { type BreakerSnapshot, snapshotProblem } from './circuit.ts';
import type { FailureArgs } from './failure.ts';

/** Options of `breaker()`. Every one is optional. */
export interface BreakerOptions {
  /** Names the middleware; the `source` of its events. @default 'breaker' */
  name?: string;
  /**
   * When a closed circuit opens: the last 5 counted outcomes failed *and* at least half of the
   * last 10 s did, so an outage opens it (at any traffic) and a chance run of failures does not.
   * @default { consecutive: 5, ratio: 0.5, windowMs: 10_000 }
   */
  policy?: BreakerPolicy;
  /** How long a circuit stays open before one probe call may go, in ms. @default 30_000 */
  halfOpenAfterMs?: number;
  /**
   * A failure with a longer `retry-after` keeps the circuit open that long instead, up to this
   * cap, in ms (at least `halfOpenAfterMs`; set it equal to ignore server hints).
   * @default max(300_000, halfOpenAfterMs)
   */
  maxOpenMs?: number;
  /** Count 429 rate limits as failures (the rate limiter usually owns them). @default false */
  countRateLimits?: boolean;
  /**
   * Decides whether a failure counts, instead of the default (`transient` and `network`, bar rate
   * limits), e.g. to count the `unknown` errors of a service classify does not know. May be
   * async. Refusals made inside the pipeline (`rejected`), cancelled calls and `client` errors
   * never count and never reach it. A throw uses the default (with a `hook.failed` event).
   * @default transient and network failures, except 429s unless countRateLimits
   */
  isFailure?: (args: FailureArgs) => boolean | Promise<boolean>;
  /** Circuits kept at most; the least recently used unpinned one goes first. @default 10_000 */
  maxKeys?: number;
  /** A circuit unused this long is forgotten (an open one not before it may probe), in ms. @default 600_000 */
  idleMs?: number;
  /** State to start from, as `snapshot()` returned it (read back from Redis or a file). @default none */
  initialState?: BreakerSnapshot;
  /** Called on every state change, `isolate` and `reset` included. A throw is ignored. @default none */
  onStateChange?: (args: StateChangeArgs) => void;
  /** Classifies failures from the call (never the pipeline's own). @default classify of @unfazed/classify */
  classify?: Classifier;
  /**
   * Time for work outside a call: `initialState`, `isolate`, `reset`, `stateOf`, `snapshot`. Calls
   * use `ctx.clock`; give the pipeline's clock here too when it is not the real one.
   * @default realClock
   */
  clock?: Clock;
}

const isSnapshot = (value: unknown): boolean => {
  const s = value as BreakerSnapshot | null;
  return (
    s !== null &&
    typeof s === 'object' &&
    s.version === 1 &&
    s.circuits !== null &&
    typeof s.circuits === 'object' &&
    !Array.isArray(s.circuits)
  );
};

const schema = {
  name: string({ default: 'breaker' }),
  policy: policyRule,
  halfOpenAfterMs: duration({ default: 30_000 }),
  maxOpenMs: duration(),
  countRateLimits: boolean({ default: false }),
  isFailure: fn<NonNullable<BreakerOptions['isFailure']>>(),
  maxKeys: integer({ min: 1, default: 10_000 }),
  idleMs: duration({ above: 0, infinity: true, default: 600_000 }),
  initialState: shape<BreakerSnapshot>(
    'a snapshot from breaker().snapshot() ({ version: 1, circuits })',
    isSnapshot,
  ),
  onStateChange: fn<NonNullable<BreakerOptions['onStateChange']>>(),
  classify: fn<Classifier>(),
  clock: clockRule({ default: realClock }),
};

/** Reads the options once, at construction; every bad one is a `TypeError` naming it. */
export function resolveBreakerOptions(options: unknown) {
  if (
    options !== null &&
    typeof options === 'object' &&
    (options as { keyBy?: unknown }).keyBy !== undefined
  ) {
    throw new TypeError(
      `breaker: keyBy is not an option (a circuit's key is ctx.key: give execute({ key }) or pipeline(...).with({ keyBy })), got ${showValue((options as { keyBy: unknown }).keyBy)}`,
    );
  }
  const o = readOptions('breaker', options, schema);
  const maxOpenMs = o.maxOpenMs ?? Math.max(300_000, o.halfOpenAfterMs);
  if (maxOpenMs < o.halfOpenAfterMs) {
    throw optionError(
      { owner: 'breaker', path: 'maxOpenMs' },
      `a duration in ms >= halfOpenAfterMs (${o.halfOpenAfterMs})`,
      maxOpenMs,
    );
  }
  for (const [key, saved] of Object.entries(o.initialState?.circuits ?? {})) {
    const problem = snapshotProblem(saved);
    if (problem)
      throw optionError(
        { owner: 'breaker', path: `initialState.circuits[${JSON.stringify(key)}]` },
        problem,
        saved,
      );
  }
  return { ...o, maxOpenMs };
}

/** {@link BreakerOptions} after reading, defaults filled in. */
export type ResolvedBreakerOptions = ReturnType<typeof resolveBreakerOptions>;
