import {
  duration,
  integer,
  KeyedMap,
  MAX_DELAY_MS,
  number,
  type Resolved,
  readOptions,
} from '@unfazed/core/internal';

/** Options of {@link createRetryBudget}. */
export interface RetryBudgetOptions {
  /** Retries may add at most this fraction on top of first attempts, per key. @default 0.2 */
  ratio?: number;
  /** The sliding window over which attempts and retries are counted, in ms. @default 10_000 */
  windowMs?: number;
  /**
   * Retries allowed per second whatever the traffic, so a key with few calls can still retry
   * (the budget holds `minRetriesPerSecond × windowMs / 1000` retries on top of the ratio).
   * @default 3
   */
  minRetriesPerSecond?: number;
  /** Keys tracked at most (least recently used dropped first). @default 10_000 */
  maxKeys?: number;
  /** A key unused for this long is forgotten, in ms (`Infinity`: only `maxKeys` bounds them). @default 6 × windowMs */
  idleMs?: number;
}

const SLOTS = 10;

/** How {@link createRetryBudget} reads its options; `retry({ budget })` reads them the same way. */
export const budgetSchema = {
  ratio: number({ min: 0, default: 0.2 }),
  windowMs: duration({ min: SLOTS, default: 10_000 }),
  minRetriesPerSecond: number({ min: 0, default: 3 }),
  maxKeys: integer({ min: 1, default: 10_000 }),
  idleMs: duration({ above: 0, infinity: true }),
};

/** Budget options as read by {@link budgetSchema}. */
export type ReadBudgetOptions = Resolved<typeof budgetSchema>;

/**
 * A retry budget in the style of Finagle and Envoy: caps the extra load that retries put on a
 * struggling service. Shared by passing the same budget to several `retry()` middlewares.
 */
export interface RetryBudget {
  /** The options in force, defaults filled in. */
  readonly options: Readonly<Required<RetryBudgetOptions>>;
  /** Counts a first attempt (a call) for `key`. */
  recordRequest(key: string, now: number): void;
  /** Takes one retry from `key`'s budget; `false` (and nothing taken) when it is spent. */
  tryRetry(key: string, now: number): boolean;
  /** Retries `key` may still make now (can be fractional). */
  available(key: string, now: number): number;
  /** Number of keys tracked. */
  readonly size: number;
}

/**
 * Per-key counts of requests and retries in `SLOTS` time slices of the window. Old slices are
 * cleared as time moves on, so the counts always cover the last `windowMs` (to one slice).
 */
class Window {
  readonly requests = new Float64Array(SLOTS);
  readonly retries = new Float64Array(SLOTS);
  requestSum = 0;
  retrySum = 0;
  epoch: number;

  constructor(epoch: number) {
    this.epoch = epoch;
  }

  advance(epoch: number): number {
    if (epoch > this.epoch) {
      const steps = Math.min(SLOTS, epoch - this.epoch);
      for (let i = 1; i <= steps; i++) {
        const slot = (this.epoch + i) % SLOTS;
        this.requestSum -= this.requests[slot]!;
        this.retrySum -= this.retries[slot]!;
        this.requests[slot] = 0;
        this.retries[slot] = 0;
      }
      this.epoch = epoch;
    }
    // A clock that went backwards counts into the current slice.
    return this.epoch % SLOTS;
  }
}

/**
 * Makes a retry budget: within any `windowMs`, a key may retry at most
 * `ratio × first attempts + minRetriesPerSecond × windowMs / 1000` times. Time comes from the
 * caller (`ctx.clock.now()`), so it works on a virtual clock; state is bounded per key.
 *
 * @example
 * const budget = createRetryBudget({ ratio: 0.1 });
 * const chat = pipeline(retry({ budget }), breaker());
 * const embed = pipeline(retry({ budget }), breaker()); // shares the same 10 % allowance
 */
export function createRetryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  return budgetFrom(readOptions('createRetryBudget', options, budgetSchema));
}

/** A budget from options already read (by `createRetryBudget` or by `retry({ budget })`). */
export function budgetFrom(o: ReadBudgetOptions): RetryBudget {
  const { ratio, windowMs, minRetriesPerSecond, maxKeys } = o;
  const idleMs = o.idleMs ?? Math.min(6 * windowMs, MAX_DELAY_MS);
  const slotMs = windowMs / SLOTS;
  const reserve = (minRetriesPerSecond * windowMs) / 1000;
  const windows = new KeyedMap<Window>({ maxKeys, idleMs });
  const windowAt = (key: string, now: number): [Window, number] => {
    const epoch = Math.floor(now / slotMs);
    let w = windows.get(key, now);
    if (w === undefined) {
      w = new Window(epoch);
      windows.set(key, w, now);
    }
    return [w, w.advance(epoch)];
  };
  const available = (w: Window) => reserve + ratio * w.requestSum - w.retrySum;

  return {
    options: Object.freeze({ ratio, windowMs, minRetriesPerSecond, maxKeys, idleMs }),
    recordRequest(key, now) {
      const [w, slot] = windowAt(key, now);
      w.requests[slot]! += 1;
      w.requestSum += 1;
    },
    tryRetry(key, now) {
      const [w, slot] = windowAt(key, now);
      if (available(w) < 1) return false;
      w.retries[slot]! += 1;
      w.retrySum += 1;
      return true;
    },
    available(key, now) {
      return Math.max(0, available(windowAt(key, now)[0]));
    },
    get size() {
      return windows.size;
    },
  };
}
