import { ConsecutiveBreaker } from 'cockatiel';

/**
 * When a closed circuit opens:
 * - `{ consecutive: n }`: after `n` failures in a row (a success resets the count).
 * - `{ ratio, windowMs, minThroughput }`: when at least `ratio` of the calls over the last
 *   `windowMs` failed, once at least `minThroughput` calls were seen in that window.
 */
export type BreakerPolicy =
  | { consecutive: number }
  | {
      /** Failure ratio (0, 1] that opens the circuit. */
      ratio: number;
      /** Sliding window, in ms. @default 30_000 */
      windowMs?: number;
      /** Calls needed in the window before the ratio is trusted. @default 20 */
      minThroughput?: number;
    };

/** One key's failure counting while closed. */
export interface FailureCounter {
  success(now: number): void;
  /** Records a failure; true when the circuit should open. */
  failure(now: number): boolean;
  reset(): void;
  /** JSON-safe state for snapshots. */
  toJSON(): unknown;
  /** Restores what `toJSON` gave; ignores what it does not recognise. */
  restore(state: unknown): void;
}

/** Validates a policy once and returns a factory of per-key counters. */
export function counterFactory(policy: BreakerPolicy): () => FailureCounter {
  if (policy !== null && typeof policy === 'object' && 'consecutive' in policy) {
    const n = policy.consecutive;
    if (!Number.isInteger(n) || n < 1) {
      throw new TypeError(`breaker: policy.consecutive must be an integer >= 1, got ${String(n)}`);
    }
    return () => new ConsecutiveCounter(n);
  }
  if (policy !== null && typeof policy === 'object' && 'ratio' in policy) {
    const { ratio, windowMs = 30_000, minThroughput = 20 } = policy;
    if (!(typeof ratio === 'number' && ratio > 0 && ratio <= 1)) {
      throw new TypeError(`breaker: policy.ratio must be a number in (0, 1], got ${String(ratio)}`);
    }
    if (!(Number.isFinite(windowMs) && windowMs >= 100)) {
      throw new TypeError(`breaker: policy.windowMs must be a finite number >= 100, got ${String(windowMs)}`);
    }
    if (!(Number.isInteger(minThroughput) && minThroughput >= 1)) {
      throw new TypeError(
        `breaker: policy.minThroughput must be an integer >= 1, got ${String(minThroughput)}`,
      );
    }
    return () => new RatioCounter(ratio, windowMs, minThroughput);
  }
  throw new TypeError(
    `breaker: policy must be { consecutive } or { ratio, windowMs?, minThroughput? }, got ${JSON.stringify(policy)}`,
  );
}

/** cockatiel's ConsecutiveBreaker: a counter with no notion of time, so it fits as is. */
class ConsecutiveCounter implements FailureCounter {
  readonly #breaker: ConsecutiveBreaker;

  constructor(threshold: number) {
    this.#breaker = new ConsecutiveBreaker(threshold);
  }

  success(): void {
    if (this.#breaker.state !== 0) this.#breaker.success();
  }

  failure(): boolean {
    return this.#breaker.failure();
  }

  reset(): void {
    this.#breaker.state = 0;
  }

  toJSON(): unknown {
    return { consecutiveFailures: this.#breaker.state };
  }

  restore(state: unknown): void {
    const n = (state as { consecutiveFailures?: unknown } | undefined)?.consecutiveFailures;
    if (Number.isInteger(n) && (n as number) >= 0) this.#breaker.state = n as number;
  }
}

const MIN_BUCKETS = 5;
const MAX_BUCKET_MS = 1_000;

/**
 * A failure ratio over a sliding window of time buckets, like cockatiel's SamplingBreaker, but on
 * the caller's clock (SamplingBreaker reads Date.now(), which a virtual clock cannot move).
 */
class RatioCounter implements FailureCounter {
  readonly #ratio: number;
  readonly #minThroughput: number;
  readonly #bucketMs: number;
  readonly #epochs: number[];
  readonly #failures: number[];
  readonly #successes: number[];

  constructor(ratio: number, windowMs: number, minThroughput: number) {
    this.#ratio = ratio;
    this.#minThroughput = minThroughput;
    const count = Math.max(MIN_BUCKETS, Math.ceil(windowMs / MAX_BUCKET_MS));
    this.#bucketMs = windowMs / count;
    this.#epochs = new Array(count).fill(-1);
    this.#failures = new Array(count).fill(0);
    this.#successes = new Array(count).fill(0);
  }

  #slot(now: number): number {
    const epoch = Math.floor(now / this.#bucketMs);
    const slot = epoch % this.#epochs.length;
    if (this.#epochs[slot] !== epoch) {
      this.#epochs[slot] = epoch;
      this.#failures[slot] = 0;
      this.#successes[slot] = 0;
    }
    return slot;
  }

  success(now: number): void {
    this.#successes[this.#slot(now)]! += 1;
  }

  failure(now: number): boolean {
    this.#failures[this.#slot(now)]! += 1;
    const oldest = Math.floor(now / this.#bucketMs) - this.#epochs.length;
    let failures = 0;
    let total = 0;
    for (let i = 0; i < this.#epochs.length; i++) {
      if (this.#epochs[i]! <= oldest) continue;
      failures += this.#failures[i]!;
      total += this.#failures[i]! + this.#successes[i]!;
    }
    return total >= this.#minThroughput && failures >= this.#ratio * total;
  }

  reset(): void {
    this.#epochs.fill(-1);
    this.#failures.fill(0);
    this.#successes.fill(0);
  }

  toJSON(): unknown {
    return { epochs: [...this.#epochs], failures: [...this.#failures], successes: [...this.#successes] };
  }

  restore(state: unknown): void {
    const s = state as { epochs?: unknown; failures?: unknown; successes?: unknown } | undefined;
    const n = this.#epochs.length;
    const ok = (a: unknown): a is number[] =>
      Array.isArray(a) && a.length === n && a.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!ok(s?.epochs) || !ok(s?.failures) || !ok(s?.successes)) return;
    for (let i = 0; i < n; i++) {
      this.#epochs[i] = s.epochs[i]!;
      this.#failures[i] = s.failures[i]!;
      this.#successes[i] = s.successes[i]!;
    }
  }
}
