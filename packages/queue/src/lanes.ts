import type { Lane } from './names.ts';

/**
 * Which delivered job a worker starts next: interactive first, except that while both lanes wait,
 * batch gets every `1 / batchShare`-th start, so a steady stream of interactive work slows batch
 * work down to its floor but never stops it. Priority decides who gets a worker's next slot; a job
 * already waiting for quota keeps its place in the limiter's line.
 */
export class LaneScheduler<T> {
  readonly #share: number;
  readonly #lanes: Record<Lane, T[]> = { interactive: [], batch: [] };
  #credit = 0;

  constructor(batchShare: number) {
    this.#share = batchShare;
  }

  get size(): number {
    return this.#lanes.interactive.length + this.#lanes.batch.length;
  }

  push(lane: Lane, item: T): void {
    this.#lanes[lane].push(item);
  }

  next(): T | undefined {
    const { interactive, batch } = this.#lanes;
    if (batch.length === 0) {
      this.#credit = 0;
      return interactive.shift();
    }
    if (interactive.length === 0) return batch.shift();
    this.#credit += this.#share;
    // A small epsilon: ten shares of 0.1 make 0.9999999999999999 in floating point.
    if (this.#credit >= 1 - 1e-9) {
      this.#credit -= 1;
      return batch.shift();
    }
    return interactive.shift();
  }

  /** Takes out every waiting item that `test` picks (all of them by default). */
  take(test: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    for (const lane of ['interactive', 'batch'] as const) {
      const keep: T[] = [];
      for (const item of this.#lanes[lane]) (test(item) ? out : keep).push(item);
      this.#lanes[lane] = keep;
    }
    return out;
  }
}
