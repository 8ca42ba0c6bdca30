import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onAbort } from './abort.ts';
import { realClock, sleepOn } from './clock.ts';
import { defineMiddleware, pipeline } from './pipeline.ts';
import { VirtualClock } from './virtual-clock.ts';

describe('VirtualClock', () => {
  it('resolves sleeps only when time is advanced, in order', async () => {
    const clock = new VirtualClock(1_000);
    const order: number[] = [];
    void clock.sleep(3_000).then(() => order.push(3));
    void clock.sleep(1_000).then(() => order.push(1));
    await clock.advance(999);
    expect(order).toEqual([]);
    await clock.advance(1);
    expect(order).toEqual([1]);
    expect(clock.now()).toBe(2_000);
    await clock.advance(5_000);
    expect(order).toEqual([1, 3]);
    expect(clock.now()).toBe(7_000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires timers scheduled by code that woke up within the same advance', async () => {
    const clock = new VirtualClock();
    const wakes: number[] = [];
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(1_000);
        wakes.push(clock.now());
      }
    })();
    await clock.advance(3_000);
    expect(wakes).toEqual([1_000, 2_000, 3_000]);
  });

  it('runAll fires everything and stops a loop that never ends', async () => {
    const clock = new VirtualClock();
    let fired = false;
    void clock.sleep(60_000).then(() => {
      fired = true;
    });
    await clock.runAll();
    expect(fired).toBe(true);
    const forever = () => clock.schedule(1, forever);
    forever();
    await expect(clock.runAll(50)).rejects.toThrow(/still 1 timers/);
  });

  it('rejects bad arguments', async () => {
    expect(() => new VirtualClock(Number.NaN)).toThrow(TypeError);
    await expect(new VirtualClock().advance(-1)).rejects.toThrow(TypeError);
  });
});

describe('abortable waits', () => {
  it('an abort rejects a virtual sleep at once with the reason and removes its timer', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(10_000, controller.signal);
    expect(clock.pendingTimers).toBe(1);
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(clock.pendingTimers).toBe(0);
  });

  it('an already aborted signal rejects without scheduling; the default reason is an AbortError', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    controller.abort();
    await expect(sleepOn(clock, 100, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('the real clock aborts within a tick and leaves no timer or listener behind', async () => {
    const controller = new AbortController();
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const sleeping = realClock.sleep(60_000, controller.signal);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before + 1);
    const started = performance.now();
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(performance.now() - started).toBeLessThan(50);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
  });

  it('finished sleeps leave nothing on the signal: one listener in all, and no callback of theirs', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 100; i++) await realClock.sleep(0.01, controller.signal);
    expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(1);
    let called = 0;
    const removers = Array.from({ length: 1_000 }, () => onAbort(controller.signal, () => called++));
    for (const remove of removers) remove();
    const kept = onAbort(controller.signal, () => called++);
    expect(getEventListeners(controller.signal, 'abort').length).toBe(1);
    controller.abort();
    expect(called).toBe(1);
    kept();
  });

  it('a pipeline passes the caller signal and the execute clock to middlewares', async () => {
    const clock = new VirtualClock(500);
    const controller = new AbortController();
    const waiter = defineMiddleware('waiter', async (ctx, next) => {
      await ctx.clock.sleep(30_000, ctx.signal);
      return next(ctx);
    });
    const running = pipeline(waiter).execute(async (ctx) => ctx.clock.now(), {
      clock,
      signal: controller.signal,
    });
    await clock.advance(30_000);
    await expect(running).resolves.toBe(30_500);

    const aborted = pipeline(waiter).execute(async () => 'never', { clock, signal: controller.signal });
    await clock.advance(10);
    controller.abort(new Error('cancelled by user'));
    await expect(aborted).rejects.toThrow('cancelled by user');
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('waits longer than a timer can hold (2³¹−1 ms)', () => {
  it('the real clock does not fire a 3e9 ms wait early (a bare setTimeout fires it after 1 ms)', async () => {
    let fired = 0;
    const cancel = realClock.schedule(3e9, () => fired++);
    const never = realClock.schedule(Number.POSITIVE_INFINITY, () => fired++);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fired).toBe(0);
    cancel();
    never();
  });

  it('the virtual clock fires a 3e9 ms wait exactly at 3e9', async () => {
    const clock = new VirtualClock();
    let firedAt: number | undefined;
    clock.schedule(3e9, () => {
      firedAt = clock.now();
    });
    await clock.advance(3e9 - 1);
    expect(firedAt).toBeUndefined();
    await clock.advance(1);
    expect(firedAt).toBe(3e9);
  });

  it('the virtual clock keeps order and counts through many cancellations', async () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const cancels = Array.from({ length: 1_000 }, (_, i) =>
      clock.schedule(1_000 - i, () => fired.push(1_000 - i)),
    );
    for (let i = 0; i < 1_000; i += 2) cancels[i]!();
    expect(clock.pendingTimers).toBe(500);
    await clock.advance(1_000);
    expect(fired).toHaveLength(500);
    expect(fired).toEqual([...fired].sort((a, b) => a - b));
    expect(clock.pendingTimers).toBe(0);
  });
});
