const MIN_BUCKETS = 5;
const MAX_BUCKET_MS = 1_000;

/** A saved {@link RatioWindow}: its bucket size and the non-empty buckets as `[epoch, failures, successes]`. */
export interface RatioWindowState {
  bucketMs: number;
  buckets: [number, number, number][];
}

/**
 * Outcomes over a sliding window of time buckets, like cockatiel's SamplingBreaker but on the
 * caller's clock (SamplingBreaker reads `Date.now()`, which a virtual clock cannot move). Memory is
 * a fixed handful of numbers, whatever the traffic.
 */
export class RatioWindow {
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

  /** Records one outcome at `now` (clock ms). */
  record(now: number, failed: boolean): void {
    const epoch = Math.floor(now / this.#bucketMs);
    const slot = ((epoch % this.#epochs.length) + this.#epochs.length) % this.#epochs.length;
    if (this.#epochs[slot] !== epoch) {
      this.#epochs[slot] = epoch;
      this.#failures[slot] = 0;
      this.#successes[slot] = 0;
    }
    if (failed) this.#failures[slot]! += 1;
    else this.#successes[slot]! += 1;
  }

  /** True when at least `ratio` of the outcomes in the window failed, and there were enough of them. */
  tripped(now: number): boolean {
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

  clear(): void {
    this.#epochs.fill(-1);
    this.#failures.fill(0);
    this.#successes.fill(0);
  }

  /** The buckets worth keeping, or `undefined` when no failure is held (nothing that could open the circuit). */
  save(): RatioWindowState | undefined {
    const buckets: [number, number, number][] = [];
    let failures = 0;
    for (let i = 0; i < this.#epochs.length; i++) {
      if (this.#epochs[i] === -1) continue;
      failures += this.#failures[i]!;
      buckets.push([this.#epochs[i]!, this.#failures[i]!, this.#successes[i]!]);
    }
    return failures === 0 ? undefined : { bucketMs: this.#bucketMs, buckets };
  }

  /** Restores what {@link save} gave; a window of another size, or garbage, is ignored. */
  restore(state: unknown): void {
    const s = state as Partial<RatioWindowState> | null | undefined;
    if (s?.bucketMs !== this.#bucketMs || !Array.isArray(s.buckets)) return;
    const n = this.#epochs.length;
    for (const bucket of s.buckets) {
      if (!Array.isArray(bucket) || !bucket.every((x) => Number.isSafeInteger(x) && x >= 0)) continue;
      const [epoch, failures, successes] = bucket as [number, number, number];
      const slot = epoch % n;
      this.#epochs[slot] = epoch;
      this.#failures[slot] = failures;
      this.#successes[slot] = successes;
    }
  }
}
