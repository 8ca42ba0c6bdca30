import { getEventListeners, setMaxListeners } from 'node:events';
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
    const bh = bulkhead({ limit: 2, queue: 2 });
    const p = pipeline(bh).with({ clock });
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    const g = gate();
    const results = ['a', 'b', 'c', 'd'].map((n) => p.execute(g.call(n)));
    const refused = await p.execute(g.call('e')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BulkheadFullError);
    expect(refused).toMatchObject({ code: 'BULKHEAD_FULL', why: 'full', limit: 2, queue: 2 });
    expect([bh.active, bh.queued]).toEqual([2, 2]);
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
    expect([bh.active, bh.queued]).toEqual([0, 0]);
    expect(events.map((e) => e.type)).toEqual(['bulkhead.queued', 'bulkhead.queued', 'bulkhead.rejected']);
    expect(events[0]).toMatchObject({ source: 'bulkhead', active: 2, queued: 1, limit: 2 });
    expect(events[2]).toEqual({
      type: 'bulkhead.rejected',
      source: 'bulkhead',
      time: 0,
      key: 'default',
      attempt: 1,
      tags: {},
      pipeline: 'pipeline',
      why: 'full',
      active: 2,
      queued: 2,
      limit: 2,
    });
  });

  it('frees the slot when a call fails', async () => {
    const p = pipeline(bulkhead({ limit: 1 }));
    await expect(p.execute(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(p.execute(async () => 'ok')).resolves.toBe('ok');
  });

  it('a queued call leaves at once when its signal aborts, with the reason and no listener left', async () => {
    const clock = new VirtualClock(0);
    const bh = bulkhead({ limit: 1, queue: 1 });
    const p = pipeline(bh).with({ clock });
    const g = gate();
    const first = p.execute(g.call('a'));
    const controller = new AbortController();
    const queued = p.execute(g.call('b'), { signal: controller.signal });
    await clock.advance(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    const reason = new Error('gone');
    controller.abort(reason);
    expect(bh.queued).toBe(0); // gone from the queue within abort() itself
    await expect(queued).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // Its queue place is free again, and it never ran.
    const next = p.execute(g.call('c'));
    g.release('a');
    await clock.advance(0);
    g.release('c');
    await expect(first).resolves.toBe('a');
    await expect(next).resolves.toBe('c');
    expect(g.started).toEqual(['a', 'c']);
  });

  it('100 000 queued-then-aborted waiters leave the queue at once and hold nothing', async () => {
    const bh = bulkhead({ limit: 1, queue: Number.POSITIVE_INFINITY });
    const p = pipeline(bh);
    const g = gate();
    const first = p.execute(g.call('holder'));
    const callers = Array.from({ length: 100_000 }, () => new AbortController());
    const waiting = callers.map((c) =>
      p.execute(async () => 'sent', { signal: c.signal }).catch(() => 'aborted'),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(bh.queued).toBe(100_000);
    const reason = new Error('caller left');
    callers[50_000]!.abort(reason);
    expect(bh.queued).toBe(99_999); // one abort takes out its own waiter, from the middle
    for (const c of callers) c.abort(reason);
    expect(bh.queued).toBe(0); // no waiter, and so no closure, left behind for the holder to meet
    // A signal shared by a batch of waiters releases them all at once too.
    const batch = new AbortController();
    setMaxListeners(10_000, batch.signal);
    const batched = Array.from({ length: 5_000 }, () =>
      p.execute(async () => 'sent', { signal: batch.signal }).catch(() => 'aborted'),
    );
    batch.abort();
    expect(bh.queued).toBe(0);
    expect(getEventListeners(batch.signal, 'abort')).toHaveLength(0);
    g.release('holder');
    await first;
    expect(new Set(await Promise.all([...waiting, ...batched]))).toEqual(new Set(['aborted']));
    expect([bh.active, bh.queued]).toEqual([0, 0]);
  });

  it('a queued call fails with why deadline when ctx.deadline passes', async () => {
    const clock = new VirtualClock(0);
    const p = pipeline(withDeadline(500), bulkhead({ limit: 1, queue: 5 })).with({ clock });
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    const g = gate();
    p.execute(g.call('a'));
    const queued = p.execute(g.call('b'));
    queued.catch(() => {});
    await clock.advance(499);
    expect(g.started).toEqual(['a']);
    await clock.advance(1);
    await expect(queued).rejects.toMatchObject({ code: 'BULKHEAD_FULL', why: 'deadline' });
    expect(events.at(-1)).toMatchObject({ type: 'bulkhead.rejected', why: 'deadline', active: 1, queued: 0 });
    g.release('a');
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(0);
    expect(g.started).toEqual(['a']);
  });

  it('never runs a call already aborted, and refuses one past its deadline without queueing it', async () => {
    const bh = bulkhead({ limit: 1, queue: 1 });
    const reason = new Error('no');
    const aborting = defineMiddleware('aborting', (ctx, next) => {
      const controller = new AbortController();
      controller.abort(reason);
      return next(withContext(ctx, { signal: controller.signal }));
    });
    let ran = 0;
    await expect(pipeline(aborting, bh).execute(async () => ++ran)).rejects.toBe(reason);
    expect([ran, bh.active]).toEqual([0, 0]);
    const g = gate();
    const first = pipeline(bh).execute(g.call('a'));
    await expect(pipeline(withDeadline(0), bh).execute(async () => 'x')).rejects.toMatchObject({
      why: 'deadline',
    });
    g.release('a');
    await first;
  });

  it('takes a name for its events', async () => {
    const p = pipeline(bulkhead({ name: 'gpu-slots', limit: 1 }));
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    const g = gate();
    const first = p.execute(g.call('a'));
    await p.execute(async () => 'x').catch(() => {});
    expect(events).toMatchObject([{ type: 'bulkhead.rejected', source: 'gpu-slots' }]);
    g.release('a');
    await first;
  });
});
