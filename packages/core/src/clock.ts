import { abortReason, onAbort } from './abort.ts';
import { MAX_DELAY_MS } from './options.ts';

/** Cancels a scheduled callback; calling it after the callback ran, or twice, does nothing. */
export type Cancel = () => void;

/**
 * Where every middleware gets its time from. The real clock is the default; tests pass a
 * {@link VirtualClock} so backoffs of seconds run without sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms`. Rejects with the signal's reason as soon as it aborts, and clears its
   * timer, so an aborted wait leaves nothing behind.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs `fn` after `ms` (never sooner, however long); returns a function that cancels it. */
  schedule(ms: number, fn: () => void): Cancel;
}

/** Sleeps on `clock` and rejects at once with the abort reason if `signal` aborts. */
export function sleepOn(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (!(ms > 0)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const cancel = clock.schedule(ms, () => {
      removeListener();
      resolve();
    });
    const removeListener = onAbort(signal, (reason) => {
      cancel();
      reject(reason);
    });
  });
}

/**
 * Wall-clock time with `setTimeout`. A pending sleep keeps the process alive, as any awaited call
 * does. A wait longer than a timer can hold (2³¹−1 ms, about 24.8 days) is split into several
 * timers rather than fired after 1 ms, as a bare `setTimeout` would; `Infinity` never fires.
 */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return sleepOn(realClock, ms, signal);
  },
  schedule(ms, fn) {
    if (ms === Number.POSITIVE_INFINITY) return noop;
    const delay = Math.max(0, ms);
    if (delay <= MAX_DELAY_MS) {
      const timer = setTimeout(fn, delay);
      return () => clearTimeout(timer);
    }
    let timer: ReturnType<typeof setTimeout>;
    const due = Date.now() + delay;
    const arm = () => {
      const left = due - Date.now();
      timer = left > MAX_DELAY_MS ? setTimeout(arm, MAX_DELAY_MS) : setTimeout(fn, Math.max(0, left));
    };
    arm();
    return () => clearTimeout(timer);
  },
};

function noop(): void {}
