import type { RatioWindow } from './ratio-window.ts';

/**
 * A breaker in cockatiel's `IBreaker` shape (`ConsecutiveBreaker`, `CountBreaker`,
 * `SamplingBreaker`, or your own), described structurally so this package needs no cockatiel.
 * It is called as cockatiel's `CircuitBreakerPolicy` calls it: `success(0)` and `failure(0)`
 * (`CircuitState.Closed`) while closed, `failure(2)` when the half-open probe fails and
 * `success(2)` (`CircuitState.HalfOpen`) when the circuit closes again, which restarts
 * cockatiel's breakers. `state` is what snapshots save and restore.
 */
export interface CockatielBreaker {
  state?: unknown;
  success(state: number): void;
  /** True when the circuit should open. */
  failure(state: number): boolean;
}

const CLOSED = 0;
const HALF_OPEN = 2;

/** One circuit's failure counting while closed. */
export interface FailureCounter {
  /** A success while closed, at `now` (clock ms). */
  success(now: number): void;
  /** A counted failure while closed; true when the circuit should open. */
  failure(now: number): boolean;
  /** The half-open probe failed; the circuit opens again. */
  probeFailed(): void;
  /** The circuit closed (its probe succeeded, or `reset()`): count afresh. */
  closed(): void;
  /** JSON-safe state for a snapshot, or `undefined` when nothing is worth saving. */
  save(): unknown;
  /** Restores what `save` gave. */
  restore(state: unknown): void;
}

/** Our own policy: a run of consecutive failures, a failure ratio over a window, or both at once. */
export class PolicyCounter implements FailureCounter {
  readonly #consecutive: number | undefined;
  readonly #window: RatioWindow | undefined;
  #run = 0;

  constructor(consecutive: number | undefined, window: RatioWindow | undefined) {
    this.#consecutive = consecutive;
    this.#window = window;
  }

  success(now: number): void {
    this.#run = 0;
    this.#window?.record(now, false);
  }

  failure(now: number): boolean {
    this.#run++;
    this.#window?.record(now, true);
    const run = this.#consecutive === undefined || this.#run >= this.#consecutive;
    return run && (this.#window === undefined || this.#window.tripped(now));
  }

  probeFailed(): void {}

  closed(): void {
    this.#run = 0;
    this.#window?.clear();
  }

  save(): unknown {
    const window = this.#window?.save();
    if (this.#run === 0 && window === undefined) return undefined;
    return { ...(this.#run > 0 && { consecutive: this.#run }), ...(window && { window }) };
  }

  restore(state: unknown): void {
    const s = state as { consecutive?: unknown; window?: unknown } | null | undefined;
    if (Number.isSafeInteger(s?.consecutive) && (s!.consecutive as number) >= 0)
      this.#run = s!.consecutive as number;
    this.#window?.restore(s?.window);
  }
}

/** A cockatiel breaker, driven the way cockatiel drives it. Its own state is what is saved. */
export class ForeignCounter implements FailureCounter {
  readonly #breaker: CockatielBreaker;

  constructor(breaker: CockatielBreaker) {
    this.#breaker = breaker;
  }

  success(): void {
    this.#breaker.success(CLOSED);
  }

  failure(): boolean {
    return this.#breaker.failure(CLOSED) === true;
  }

  probeFailed(): void {
    this.#breaker.failure(HALF_OPEN);
  }

  closed(): void {
    this.#breaker.success(HALF_OPEN);
  }

  save(): unknown {
    return this.#breaker.state;
  }

  restore(state: unknown): void {
    if (state !== undefined) this.#breaker.state = state;
  }
}
