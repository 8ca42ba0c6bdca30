import { getEventListeners } from 'node:events';
import { type Clock, realClock, VirtualClock } from '@unfazed/core';
import { MAX_DELAY_MS } from '@unfazed/core/internal';
import { describe, expect, it, vi } from 'vitest';
import { DeadlineWheel } from './deadline-wheel.ts';

describe('DeadlineWheel', () => {
  it('shares one signal among entries of the same parent that start within precisionMs', async () => {
    const clock = new VirtualClock(0);
    const wheel = new DeadlineWheel(1_000, () => 'late', 10);
    const parent = new AbortController().signal;
    const a = wheel.enter(clock, parent);
    await clock.advance(10);
    const b = wheel.enter(clock, parent);
    await clock.advance(1);
    const c = wheel.enter(clock, parent);
    expect(a.signal).toBe(b.signal);
    expect(c.signal).not.toBe(a.signal);
    expect(wheel.stats(clock)).toEqual({ live: 3, buckets: 2, parents: 1 });
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(999); // t = 1010: the first bucket's time is up
    expect([a.expired, b.expired, c.expired]).toEqual([true, true, false]);
    expect(a.signal.reason).toBe('late');
    c.leave();
    expect(wheel.stats(clock)).toEqual({ live: 0, buckets: 0, parents: 0 });
    expect(clock.pendingTimers).toBe(0);
    expect(getEventListeners(parent, 'abort')).toHaveLength(0);
  });

  it('ends every entry of a parent at once when it aborts, with its reason', () => {
    const clock = new VirtualClock(0);
    const wheel = new DeadlineWheel(1_000, () => 'late');
    const parent = new AbortController();
    const ended: unknown[] = [];
    const a = wheel.enter(clock, parent.signal, (reason, expired) => ended.push([reason, expired]));
    const other = wheel.enter(clock, new AbortController().signal);
    parent.abort('stop');
    expect(ended).toEqual([['stop', false]]);
    expect(a.signal.aborted).toBe(true);
    expect(a.expired).toBe(false);
    expect(other.signal.aborted).toBe(false);
    other.leave();
    expect(() => wheel.enter(clock, parent.signal)).toThrow('stop');
  });

  it('on the real clock holds the process only while entries are in flight', () => {
    const wheel = new DeadlineWheel(60_000, () => 'late');
    const parent = new AbortController().signal;
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const a = wheel.enter(realClock, parent);
    const b = wheel.enter(realClock, parent);
    expect(timers()).toBe(before + 1);
    a.leave();
    b.leave();
    expect(timers()).toBe(before);
    b.leave(); // twice is harmless
    expect(wheel.stats(realClock).live).toBe(0);
  });

  it('never arms a real timer beyond what a timer holds (it would fire after 1 ms), and ends nothing early', () => {
    vi.useFakeTimers(); // they fire an over-long timer after 1 ms, as Node does
    try {
      const armed = vi.spyOn(globalThis, 'setTimeout');
      const wheel = new DeadlineWheel(MAX_DELAY_MS, () => 'late', 100);
      const entry = wheel.enter(realClock, new AbortController().signal);
      vi.advanceTimersByTime(1_000);
      expect(armed).toHaveBeenCalledTimes(1); // not re-armed every millisecond
      vi.advanceTimersByTime(MAX_DELAY_MS - 1_000);
      expect(entry.expired).toBe(false); // due 100 ms later (precision)
      vi.advanceTimersByTime(100);
      expect(entry.expired).toBe(true);
      expect(armed.mock.calls.map(([, ms]) => ms)).toEqual([MAX_DELAY_MS, 100]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks any clock for at most MAX_DELAY_MS at a time', async () => {
    const virtual = new VirtualClock(0);
    const asked: number[] = [];
    const clock: Clock = {
      now: () => virtual.now(),
      sleep: (ms, signal) => virtual.sleep(ms, signal),
      schedule: (ms, fn) => {
        asked.push(ms);
        return virtual.schedule(ms, fn);
      },
    };
    const wheel = new DeadlineWheel(MAX_DELAY_MS, () => 'late', 50);
    const entry = wheel.enter(clock, new AbortController().signal);
    await virtual.advance(MAX_DELAY_MS);
    expect(entry.expired).toBe(false);
    await virtual.advance(50);
    expect(entry.expired).toBe(true);
    expect(asked).toEqual([MAX_DELAY_MS, 50]);
    expect(virtual.pendingTimers).toBe(0);
  });
});
