import type { CallContext } from '@unfazed/core';
import type { StateChangeArgs } from './breaker-events.ts';
import { type BreakerPolicy, counterFactory, type FailureCounter } from './breaker-policy.ts';
import type { BreakerSnapshot } from './circuit.ts';
import { type Classify, defaultClassify, type FailureArgs } from './failure.ts';

/** Options of `breaker()`. Every one is optional. */
export interface BreakerOptions {
  /** When a closed circuit opens. @default { consecutive: 5 } */
  policy?: BreakerPolicy;
  /** How long a circuit stays open before one probe call may go, in ms. @default 30_000 */
  halfOpenAfterMs?: number;
  /**
   * A failure that opens the circuit with a longer `retry-after` keeps it open that long instead,
   * up to this cap, in ms. Set it to `halfOpenAfterMs` to ignore server hints.
   * @default 300_000
   */
  maxOpenMs?: number;
  /** Count 429 rate limits as failures (the rate limiter usually owns them). @default false */
  countRateLimits?: boolean;
  /**
   * Decides what counts as a failure instead of the default (`transient` and `network`, except
   * rate limits unless `countRateLimits`; never client errors, cancelled calls or failures the
   * pipeline made itself, bar timeouts).
   */
  isFailure?: (args: FailureArgs) => boolean;
  /** The breaker key of a call: one circuit per key. @default ctx => ctx.key */
  keyBy?: (ctx: CallContext) => string;
  /** Circuits kept at most (least recently used dropped first; held-open ones are kept). @default 10_000 */
  maxKeys?: number;
  /** A circuit unused this long is dropped (forgetting its state), in ms. @default 600_000 */
  idleMs?: number;
  /** State to start from, as `snapshot()` returned it (e.g. read back from Redis or a file). */
  initialState?: BreakerSnapshot;
  /** Called on every state change, including `isolate` and `reset`. */
  onStateChange?: (args: StateChangeArgs) => void;
  /** Classifies failures. @default classify from @unfazed/classify */
  classify?: Classify;
}

export interface ResolvedBreakerOptions {
  newCounter: () => FailureCounter;
  halfOpenAfterMs: number;
  maxOpenMs: number;
  countRateLimits: boolean;
  isFailure: BreakerOptions['isFailure'];
  keyBy: ((ctx: CallContext) => string) | undefined;
  maxKeys: number;
  idleMs: number;
  initialState: BreakerSnapshot | undefined;
  onStateChange: BreakerOptions['onStateChange'];
  classify: Classify;
}

/** Validates and normalises once; a bad option throws a `TypeError` naming it. */
export function resolveBreakerOptions(options: BreakerOptions = {}): ResolvedBreakerOptions {
  const newCounter = counterFactory(options.policy ?? { consecutive: 5 });
  const halfOpenAfterMs = options.halfOpenAfterMs ?? 30_000;
  check(
    'halfOpenAfterMs',
    halfOpenAfterMs,
    finite(halfOpenAfterMs) && halfOpenAfterMs >= 0,
    'a finite number >= 0',
  );
  const maxOpenMs = options.maxOpenMs ?? Math.max(300_000, halfOpenAfterMs);
  check(
    'maxOpenMs',
    maxOpenMs,
    finite(maxOpenMs) && maxOpenMs >= halfOpenAfterMs,
    `a finite number >= halfOpenAfterMs (${halfOpenAfterMs})`,
  );
  const maxKeys = options.maxKeys ?? 10_000;
  check('maxKeys', maxKeys, Number.isInteger(maxKeys) && maxKeys >= 1, 'an integer >= 1');
  const idleMs = options.idleMs ?? 600_000;
  check('idleMs', idleMs, typeof idleMs === 'number' && idleMs > 0, 'a number > 0');
  for (const name of ['isFailure', 'keyBy', 'onStateChange', 'classify'] as const) {
    const fn = options[name];
    check(name, fn, fn === undefined || typeof fn === 'function', 'a function');
  }
  const { initialState } = options;
  check(
    'initialState',
    initialState,
    initialState === undefined || (initialState?.version === 1 && typeof initialState.circuits === 'object'),
    'a snapshot from breaker().snapshot() ({ version: 1, circuits })',
  );
  return {
    newCounter,
    halfOpenAfterMs,
    maxOpenMs,
    countRateLimits: options.countRateLimits ?? false,
    isFailure: options.isFailure,
    keyBy: options.keyBy,
    maxKeys,
    idleMs,
    initialState,
    onStateChange: options.onStateChange,
    classify: options.classify ?? defaultClassify,
  };
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function check(name: string, value: unknown, ok: boolean, rule: string): void {
  if (!ok) {
    const shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    throw new TypeError(`breaker: ${name} must be ${rule}, got ${shown}`);
  }
}
