import { type Cancel, type Clock, sleepOn } from './clock.ts';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Let pending promise callbacks (and the I/O callbacks they started) run before time moves on. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock whose time moves only when a test says so. `sleep` and `schedule` register timers that
 * fire, in time order, while {@link VirtualClock.advance} walks time forward; between timers the
 * clock lets promise callbacks run, so code that sleeps again after waking is scheduled in time.
 *
 * @example
 * const clock = new VirtualClock();
 * const done = clock.sleep(5_000);
 * await clock.advance(5_000); // resolves `done` without waiting five seconds
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(start = 0) {
    if (!Number.isFinite(start))
      throw new TypeError(`VirtualClock: start must be a finite number, got ${start}`);
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  schedule(ms: number, fn: () => void): Cancel {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      const index = this.#timers.indexOf(timer);
      if (index !== -1) this.#timers.splice(index, 1);
    };
  }

  /** Timers scheduled and not yet fired or cancelled; a test that ends with some left leaked a wait. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new TypeError(`VirtualClock.advance: ms must be >= 0, got ${ms}`);
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#earliest();
      if (!next || next.at > target) break;
      this.#timers.splice(this.#timers.indexOf(next), 1);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  /** Fires timers until none is left (at most `limit`, to stop a loop that always reschedules). */
  async runAll(limit = 10_000): Promise<void> {
    await settle();
    for (let fired = 0; fired < limit; fired++) {
      const next = this.#earliest();
      if (!next) return;
      await this.advance(next.at - this.#now);
    }
    throw new Error(`VirtualClock.runAll: still ${this.#timers.length} timers after ${limit} firings`);
  }

  #earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.#timers) {
      if (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
    }
    return best;
  }
}
