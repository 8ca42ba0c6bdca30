import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { scaledClock } from './scaled-clock.ts';

describe('scaledClock', () => {
  it('runs scale times faster than the wall clock', async () => {
    const clock = scaledClock(50, { start: 1_000_000 });
    const before = clock.now();
    const real = performance.now();
    await sleep(20);
    const realMs = performance.now() - real;
    const elapsed = clock.now() - before;
    expect(before).toBeGreaterThanOrEqual(1_000_000);
    expect(before).toBeLessThan(1_000_000 + 50 * 50);
    expect(elapsed).toBeGreaterThanOrEqual(50 * 19);
    expect(elapsed).toBeLessThanOrEqual(50 * (realMs + 2));
  });

  it('waits ms / scale real milliseconds, and the clock agrees it waited ms', async () => {
    const clock = scaledClock(100);
    const real = performance.now();
    const before = clock.now();
    await clock.sleep(2_000);
    expect(performance.now() - real).toBeGreaterThanOrEqual(19);
    expect(performance.now() - real).toBeLessThan(500);
    expect(clock.now() - before).toBeGreaterThanOrEqual(1_900);
    expect(clock.toReal(60_000)).toBe(600);
  });

  it('rejects a sleep at once when its signal aborts, and cancels scheduled work', async () => {
    const clock = scaledClock(10);
    const controller = new AbortController();
    const waiting = clock.sleep(60_000, controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    let ran = false;
    const cancel = clock.schedule(50, () => {
      ran = true;
    });
    cancel();
    await sleep(15);
    expect(ran).toBe(false);
  });

  it('checks its options in the one format', () => {
    expect(() => scaledClock(0)).toThrow(
      'scaledClock: scale must be a finite number > 0 and <= 10000, got 0',
    );
    expect(() => scaledClock('20' as never)).toThrow(/scale must be a finite number .*got "20" \(string\)/);
    expect(() => scaledClock(20, { strat: 5 } as never)).toThrow(
      /strat is not an option \(did you mean start\?\)/,
    );
  });
});

describe('scaledClock.schedule', () => {
  it('never runs a callback before its time on the scaled clock, however coarse real timers are', async () => {
    const clock = scaledClock(500);
    const lateness: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const due = clock.now() + 100 * (i + 1);
        return new Promise<void>((resolve) =>
          clock.schedule(100 * (i + 1), () => {
            lateness.push(clock.now() - due);
            resolve();
          }),
        );
      }),
    );
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);
  });
});
