import { getEventListeners } from 'node:events';
import { defineMiddleware, pipeline, type ResilienceEvent, VirtualClock, withContext } from '@unfazed/core';
import { describe, expect, it } from 'vitest';
import { bulkhead } from './bulkhead.ts';
import { BulkheadFullError } from './errors.ts';

/** A call that stays in flight until released. */
function gate() {
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const call = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push(name);
      releases.set(name, () => resolve(name));
    });
  return { started, call, release: (name: string) => releases.get(name)?.() };
}

const withDeadline = (ms: number) =>
  defineMiddleware('deadline', (ctx, next) => next(withContext(ctx, { deadline: ctx.clock.now() + ms })));

describe('bulkhead', () => {
  it('runs up to limit at once, queues up to queue in order, and refuses the rest', async () => {
    const clock = new VirtualClock(0);
    const p = pipeline(bulkhead({ limit: 2, queue: 2 }));
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    const g = gate();
    const results = ['a', 'b', 'c', 'd'].map((n) => p.execute(g.call(n), { clock }));
    const refused = await p.execute(g.call('e'), { clock }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BulkheadFullError);
    expect(refused).toMatchObject({ code: 'BULKHEAD_FULL', reason: 'full', limit: 2, queue: 2 });
    await clock.advance(0);
    expect(g.started).toEqual(['a', 'b']);
    g.release('b');
    await clock.advance(0);
    expect(g.started).toEqual(['a', 'b', 'c']);
    g.release('a');
    g.release('c');
    await clock.advance(0);
    g.release('d');
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(events.map((e) => e.type)).toEqual(['bulkhead.queued', 'bulkhead.queued', 'bulkhead.rejected']);
    expect(events[2]).toMatchObject({ active: 2, queued: 2, limit: 2, reason: 'full' });
  });

  it('frees the slot when a call fails', async () => {
    const p = pipeline(bulkhead({ limit: 1 }));
    await expect(p.execute(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(p.execute(async () => 'ok')).resolves.toBe('ok');
  });

  it('a queued call leaves at once when its signal aborts, with the reason and no listener left', async () => {
    const clock = new VirtualClock(0);
    const p = pipeline(bulkhead({ limit: 1, queue: 1 }));
    const g = gate();
    const first = p.execute(g.call('a'), { clock });
    const controller = new AbortController();
    const queued = p.execute(g.call('b'), { clock, signal: controller.signal });
    await clock.advance(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    const reason = new Error('gone');
    controller.abort(reason);
    await expect(queued).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // Its queue place is free again, and it never ran.
    const next = p.execute(g.call('c'), { clock });
    g.release('a');
    await clock.advance(0);
    g.release('c');
    await expect(first).resolves.toBe('a');
    await expect(next).resolves.toBe('c');
    expect(g.started).toEqual(['a', 'c']);
  });

  it('a queued call fails with reason deadline when ctx.deadline passes', async () => {
    const clock = new VirtualClock(0);
    const p = pipeline(withDeadline(500), bulkhead({ limit: 1, queue: 5 }));
    const g = gate();
    p.execute(g.call('a'), { clock });
    const queued = p.execute(g.call('b'), { clock });
    queued.catch(() => {});
    await clock.advance(499);
    expect(g.started).toEqual(['a']);
    await clock.advance(1);
    await expect(queued).rejects.toMatchObject({ code: 'BULKHEAD_FULL', reason: 'deadline' });
    g.release('a');
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(0);
    expect(g.started).toEqual(['a']);
  });

  it('refuses a call already aborted or past its deadline without queueing it', async () => {
    const p = pipeline(bulkhead({ limit: 1, queue: 1 }));
    const g = gate();
    const first = p.execute(g.call('a'));
    const reason = new Error('no');
    await expect(p.execute(async () => 'x', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(pipeline(withDeadline(0), p).execute(async () => 'x')).rejects.toMatchObject({
      reason: 'deadline',
    });
    g.release('a');
    await first;
  });

  it('validates its options', () => {
    expect(() => bulkhead({ limit: 0 })).toThrow(
      new TypeError('bulkhead: limit must be an integer >= 1, got 0'),
    );
    expect(() => bulkhead({ limit: 1, queue: -1 })).toThrow(/queue must be an integer >= 0, got -1/);
  });
});
