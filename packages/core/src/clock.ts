import { abortReason, onAbort } from './abort.ts';

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
  /** Runs `fn` after `ms`; returns a function that cancels it. */
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

/** Wall-clock time with `setTimeout`. A pending sleep keeps the process alive, as any awaited call does. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return sleepOn(realClock, ms, signal);
  },
  schedule(ms, fn) {
    const timer = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(timer);
  },
};
