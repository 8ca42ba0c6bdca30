import { type Cancel, type Clock, sleepOn } from './clock.ts';
import { optionError } from './options.ts';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  live: boolean;
}

/** Let pending promise callbacks (and the I/O callbacks they started) run before time moves on. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/**
 * A clock whose time moves only when a test says so. `sleep` and `schedule` register timers that
 * fire, in time order, while {@link VirtualClock.advance} walks time forward; between timers the
 * clock lets promise callbacks run, so code that sleeps again after waking is scheduled in time.
 * Timers sit in a binary heap and cancelled ones are dropped lazily, so 100 000 waiters cost
 * O(log n) each to add or cancel. Any wait works, however long: nothing is a real timer.
 *
 * @example
 * const clock = new VirtualClock();
 * const done = clock.sleep(5_000);
 * await clock.advance(5_000); // resolves `done` without waiting five seconds
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #heap: Timer[] = [];
  #live = 0;

  constructor(start = 0) {
    if (typeof start !== 'number' || !Number.isFinite(start)) {
      throw optionError({ owner: 'VirtualClock', path: 'start' }, 'a finite number', start);
    }
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  schedule(ms: number, fn: () => void): Cancel {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, live: true };
    this.#push(timer);
    this.#live++;
    return () => {
      if (!timer.live) return;
      timer.live = false;
      this.#live--;
      // Cancelled timers stay in the heap until they reach the top; trim when they dominate.
      if (this.#heap.length > 64 && this.#live * 2 < this.#heap.length) this.#rebuild();
    };
  }

  /** Timers scheduled and not yet fired or cancelled; a test that ends with some left leaked a wait. */
  get pendingTimers(): number {
    return this.#live;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new TypeError(`VirtualClock.advance: ms must be >= 0, got ${ms}`);
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#peek();
      if (!next || next.at > target) break;
      this.#pop();
      next.live = false;
      this.#live--;
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      await settle();
    }
    this.#now = Math.max(this.#now, target);
    await settle();
  }

  /** Fires timers until none is left (at most `limit`, to stop a loop that always reschedules). */
  async runAll(limit = 10_000): Promise<void> {
    await settle();
    for (let fired = 0; fired < limit; fired++) {
      const next = this.#peek();
      if (!next) return;
      await this.advance(next.at - this.#now);
    }
    throw new Error(`VirtualClock.runAll: still ${this.#live} timers after ${limit} firings`);
  }

  // The earliest live timer, dropping cancelled ones from the top.
  #peek(): Timer | undefined {
    while (this.#heap.length > 0 && !this.#heap[0]!.live) this.#pop();
    return this.#heap[0];
  }

  #push(timer: Timer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < heap.length && before(heap[l]!, heap[best]!)) best = l;
      if (r < heap.length && before(heap[r]!, heap[best]!)) best = r;
      if (best === i) return;
      [heap[i], heap[best]] = [heap[best]!, heap[i]!];
      i = best;
    }
  }

  #rebuild(): void {
    const live = this.#heap.filter((t) => t.live);
    this.#heap = [];
    for (const timer of live) this.#push(timer);
  }
}
