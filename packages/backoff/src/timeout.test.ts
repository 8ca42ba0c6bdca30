import { getEventListeners } from 'node:events';
import { type CallContext, pipeline, type ResilienceEvent, VirtualClock } from '@unfazed/core';
import { describe, expect, it } from 'vitest';
import { TimeoutError } from './errors.ts';
import { retry } from './retry.ts';
import { timeout } from './timeout.ts';

const honoursSignal = (ctx: CallContext) =>
  new Promise<never>((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
const ignoresSignal = () => new Promise<never>(() => {});

function setup(ms = 1_000, precisionMs?: number) {
  const clock = new VirtualClock(0);
  const p = pipeline(timeout({ ms, precisionMs }));
  const events: ResilienceEvent[] = [];
  p.on((e) => events.push(e));
  const run = <T>(fn: (ctx: CallContext) => Promise<T>, signal?: AbortSignal) => {
    const promise = p.execute(fn, { clock, signal });
    promise.catch(() => {});
    return promise;
  };
  return { clock, run, events };
}

describe('timeout', () => {
  it('passes results through with a fresh signal and ctx.deadline at most ms away', async () => {
    const { run, clock } = setup(1_000);
    let seen: CallContext | undefined;
    await expect(
      run(async (ctx) => {
        seen = ctx;
        return 42;
      }),
    ).resolves.toBe(42);
    expect(seen?.deadline).toBe(1_000);
    expect(seen?.signal.aborted).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('never stops an attempt early, and stops it within precisionMs after ms', async () => {
    const { run, clock, events } = setup(1_000); // precision 10 ms
    let signal: AbortSignal | undefined;
    const result = run((ctx) => {
      signal = ctx.signal;
      return honoursSignal(ctx);
    });
    await clock.advance(999);
    expect(signal?.aborted).toBe(false);
    await clock.advance(11);
    const failure = await result.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(failure).toMatchObject({ code: 'TIMEOUT', timeoutMs: 1_000 });
    expect(signal?.reason).toBeInstanceOf(TimeoutError);
    expect(events).toMatchObject([{ type: 'timeout.expired', source: 'timeout', timeoutMs: 1_000 }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fails at the limit even when the attempt ignores its signal', async () => {
    const { run, clock } = setup(100, 0);
    const result = run(ignoresSignal);
    await clock.advance(100);
    await expect(result).rejects.toBeInstanceOf(TimeoutError);
  });

  it('fails with the caller’s reason, at once, when the caller aborts', async () => {
    const { run, clock } = setup();
    const controller = new AbortController();
    const result = run(ignoresSignal, controller.signal);
    await clock.advance(10);
    const reason = new Error('bye');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(clock.pendingTimers).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('does not start an attempt whose caller already aborted', async () => {
    const { run } = setup();
    let called = false;
    const reason = new Error('already');
    await expect(
      run(async () => {
        called = true;
      }, AbortSignal.abort(reason)),
    ).rejects.toBe(reason);
    expect(called).toBe(false);
  });

  it('serves many concurrent attempts with one timer, and leaves no listener on the caller’s signal', async () => {
    const { run, clock } = setup(1_000);
    const controller = new AbortController();
    const results = Array.from({ length: 100 }, (_, i) =>
      run((ctx) => (i % 2 ? honoursSignal(ctx) : Promise.resolve(i)), controller.signal),
    );
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await clock.advance(1_010);
    const settled = await Promise.allSettled(results);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(50);
    expect(settled.filter((s) => s.status === 'rejected' && s.reason instanceof TimeoutError)).toHaveLength(
      50,
    );
    expect(clock.pendingTimers).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('is retried by retry() when placed inside it', async () => {
    const clock = new VirtualClock(0);
    const p = pipeline(retry({ budget: false, random: () => 0 }), timeout({ ms: 100, precisionMs: 0 }));
    let calls = 0;
    const result = p.execute((ctx) => (++calls === 1 ? honoursSignal(ctx) : Promise.resolve('second')), {
      clock,
    });
    await clock.advance(100);
    await expect(result).resolves.toBe('second');
    expect(calls).toBe(2);
  });

  it('on the real clock, times out near ms and keeps no timer alive once idle', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const base = timers();
    const p = pipeline(timeout({ ms: 40 }));
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        p.execute((ctx) => (i % 4 ? Promise.resolve(i) : honoursSignal(ctx))),
      ),
    );
    const elapsed = performance.now() - started;
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(50);
    expect(elapsed).toBeGreaterThanOrEqual(39);
    expect(elapsed).toBeLessThan(500);
    const inFlight = p.execute(() => new Promise((resolve) => setImmediate(resolve)));
    expect(timers()).toBe(base + 1); // the wheel's one timer holds the process while work is in flight
    await inFlight;
    for (let i = 0; i < 1_000; i++) await p.execute(async () => i);
    // A housekeeping timer may remain, unref'd: it does not keep the process alive.
    expect(timers()).toBe(base);
  });

  it('reports as its name option, so two timeouts in one pipeline are told apart', async () => {
    const clock = new VirtualClock(0);
    const p = pipeline(
      timeout({ ms: 1_000, name: 'call-timeout' }),
      timeout({ ms: 100, precisionMs: 0, name: 'attempt-timeout' }),
    );
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    const result = p.execute(ignoresSignal, { clock });
    result.catch(() => {});
    await clock.advance(100);
    await expect(result).rejects.toMatchObject({ code: 'TIMEOUT', timeoutMs: 100 });
    expect(events).toMatchObject([{ type: 'timeout.expired', source: 'attempt-timeout', timeoutMs: 100 }]);
    expect(clock.pendingTimers).toBe(0);
  });
});
