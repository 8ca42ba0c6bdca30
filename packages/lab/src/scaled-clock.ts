import { type Cancel, type Clock, realClock } from '@unfazed/core';
import { number, readOptions, sleepOn } from '@unfazed/core/internal';

/** A {@link Clock} that runs `scale` times faster than the wall clock. */
export interface ScaledClock extends Clock {
  /** How many times faster than real time this clock runs. */
  readonly scale: number;
  /** Real milliseconds that `ms` of this clock's time take. */
  toReal(ms: number): number;
}

/** Options of {@link scaledClock}. */
export interface ScaledClockOptions {
  /** The clock's time at creation, in ms since the epoch. @default Date.now() */
  start?: number;
}

const schema = { start: number() };

/**
 * A clock for compressed time: `now()` advances `scale` ms per real ms, and a wait of `ms` takes
 * `ms / scale` real ms. Give the same clock to the chaos server (`now: () => clock.now()`) and to
 * every policy (`createResilientClient({ clock })`), so that a rate-limit minute, the server's
 * `retry-after` and the client's backoff all shrink by the same factor and still agree.
 *
 * @example
 * const clock = scaledClock(30); // a minute in two seconds
 * const before = clock.now();
 * await clock.sleep(60_000); // about 2 s of real time
 * console.log(Math.round((clock.now() - before) / 1000)); // 60
 */
export function scaledClock(scale: number, options?: ScaledClockOptions): ScaledClock {
  const { scale: s } = readOptions(
    'scaledClock',
    { scale },
    { scale: number({ above: 0, max: 10_000, required: true }) },
  );
  const { start } = readOptions('scaledClock', options, schema);
  const origin = start ?? Date.now();
  const realOrigin = performance.now();
  const clock: ScaledClock = {
    scale: s!,
    now: () => origin + (performance.now() - realOrigin) * s!,
    toReal: (ms) => ms / s!,
    sleep: (ms, signal) => sleepOn(clock, ms, signal),
    schedule(ms, fn): Cancel {
      if (ms === Number.POSITIVE_INFINITY) return realClock.schedule(ms, fn);
      // Real timers round to whole ms and may wake a fraction early; at ×100 that fraction is
      // 100 ms of scenario time. Re-arming until the scaled time is due keeps "never sooner".
      const due = clock.now() + Math.max(0, ms);
      let cancel: Cancel = () => {};
      const arm = (realMs: number) => {
        cancel = realClock.schedule(realMs, () => {
          const left = due - clock.now();
          if (left > 0) arm(Math.max(left / s!, 1));
          else fn();
        });
      };
      arm(Math.max(0, ms) / s!);
      return () => cancel();
    },
  };
  return Object.freeze(clock);
}
