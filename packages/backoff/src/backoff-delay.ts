/**
 * How a backoff delay is randomised, so that callers that failed together do not retry together.
 * - `full`: uniform in `[0, d)` where `d = min(maxDelayMs, baseDelayMs · factor^n)` (AWS "full jitter").
 * - `equal`: uniform in `[d/2, d)`: never retries sooner than half the exponential delay.
 * - `decorrelated`: Polly's "decorrelated jitter V2" (as in cockatiel): each delay depends on the
 *   previous one; medians fall near `baseDelayMs · factor^n`, with a smooth spread and no clustering.
 * - `none`: exactly `d`.
 */
export type Jitter = 'full' | 'equal' | 'decorrelated' | 'none';

/** The exponential part of a backoff. */
export interface BackoffShape {
  baseDelayMs: number;
  factor: number;
  maxDelayMs: number;
  jitter: Jitter;
}

/** The un-jittered delay before retry number `n + 1` (n is 0 for the first retry). */
export function exponentialDelay(shape: BackoffShape, n: number): number {
  return Math.min(shape.maxDelayMs, shape.baseDelayMs * shape.factor ** n);
}

// Constants of Polly's DecorrelatedJitterBackoffV2 (App-vNext/Polly, also cockatiel's
// decorrelatedJitterGenerator): pFactor smooths the first delay; rpScaling puts medians near
// whole multiples of the base delay. Ported rather than imported because cockatiel's generator
// calls Math.random() itself, and our randomness must be injectable.
const P_FACTOR = 4;
const RP_SCALING = 1 / 1.4;

/**
 * The delays of one call's retries, in order. Stateful because decorrelated jitter remembers the
 * previous value; make one per call (only when the first retry is needed).
 */
export class BackoffSequence {
  #n = 0;
  #prev = 0;

  readonly shape: BackoffShape;
  readonly random: () => number;

  constructor(shape: BackoffShape, random: () => number) {
    this.shape = shape;
    this.random = random;
  }

  /** The delay before the next retry, in whole ms. */
  next(): number {
    const n = this.#n++;
    const { shape } = this;
    switch (shape.jitter) {
      case 'none':
        return Math.floor(exponentialDelay(shape, n));
      case 'full':
        return Math.floor(this.random() * exponentialDelay(shape, n));
      case 'equal': {
        const d = exponentialDelay(shape, n);
        return Math.floor(d / 2 + (this.random() * d) / 2);
      }
      case 'decorrelated': {
        const t = n + this.random();
        const next = shape.factor ** t * Math.tanh(Math.sqrt(P_FACTOR * t));
        const step = Number.isFinite(next) ? Math.max(0, next - this.#prev) : Number.POSITIVE_INFINITY;
        this.#prev = next;
        return Math.floor(Math.min(step * RP_SCALING * shape.baseDelayMs, shape.maxDelayMs));
      }
    }
  }
}
