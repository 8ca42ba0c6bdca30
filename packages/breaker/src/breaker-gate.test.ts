import {
  defineMiddleware,
  HttpStatusError,
  pipeline,
  type ResilienceEvent,
  VirtualClock,
} from '@unfazed/core';
import { describe, expect, it } from 'vitest';
import { breaker } from './breaker.ts';
import { bulkhead } from './bulkhead.ts';
import { CircuitOpenError } from './errors.ts';

describe('breaker: no attempt leaves after its circuit opened', () => {
  it('refuses calls admitted while closed that waited in a bulkhead queue while 5 failures opened it', async () => {
    const clock = new VirtualClock(0);
    const circuit = breaker({ clock });
    const p = pipeline(circuit, bulkhead({ limit: 1, queue: 100 })).with({ clock });
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    let sent = 0;
    const call = () =>
      p.execute(async ({ signal }) => {
        sent++;
        await clock.sleep(100, signal);
        throw new HttpStatusError({ status: 503 });
      });
    const calls = Array.from({ length: 20 }, call);
    const outcomes = Promise.allSettled(calls);
    await clock.runAll();
    const results = await outcomes;
    expect(sent).toBe(5);
    const refused = results.slice(5).map((r) => (r.status === 'rejected' ? r.reason : r.value));
    expect(refused.every((e) => e instanceof CircuitOpenError && e.state === 'open')).toBe(true);
    expect((refused[0] as CircuitOpenError).retryAfterMs).toBe(30_000);
    expect(circuit.stateOf('default')).toBe('open');
    expect(clock.pendingTimers).toBe(0);
  });

  it('still refuses them with a middleware in between that does I/O before passing a failure up', async () => {
    // The recommended order has rateLimit between breaker and bulkhead; with Redis, it reconciles
    // (a real round trip) before rethrowing. The breaker counts the failure where the call
    // settled, so the slot that frees meanwhile lets no queued attempt out.
    const clock = new VirtualClock(0);
    const circuit = breaker({ clock });
    const slowReconcile = defineMiddleware('reconcile', async (ctx, next) => {
      try {
        return await next(ctx);
      } catch (error) {
        await new Promise((resolve) => setTimeout(resolve, 5)); // real I/O time
        throw error;
      }
    });
    const p = pipeline(circuit, slowReconcile, bulkhead({ limit: 1, queue: 100 })).with({ clock });
    let sent = 0;
    const call = () =>
      p.execute(async () => {
        sent++;
        throw new HttpStatusError({ status: 503 });
      });
    const results = await Promise.allSettled(Array.from({ length: 30 }, call));
    expect(sent).toBe(5);
    expect(
      results.slice(5).every((r) => r.status === 'rejected' && r.reason instanceof CircuitOpenError),
    ).toBe(true);
  });

  it('refuses a queued call when the circuit is isolated meanwhile', async () => {
    const clock = new VirtualClock(0);
    const circuit = breaker({ clock });
    const wait = defineMiddleware('wait', async (ctx, next) => {
      await clock.sleep(50, ctx.signal);
      return next(ctx);
    });
    const p = pipeline(circuit, wait).with({ clock });
    let sent = 0;
    const queued = p.execute(async () => ++sent, { key: 'gpt-4o' });
    queued.catch(() => {});
    circuit.isolate('gpt-4o');
    await clock.advance(50);
    await expect(queued).rejects.toMatchObject({ code: 'CIRCUIT_OPEN', state: 'isolated' });
    expect(sent).toBe(0);
  });

  it('lets the half-open probe out after its own wait, and nobody else', async () => {
    const clock = new VirtualClock(0);
    const circuit = breaker({ clock, halfOpenAfterMs: 1_000 });
    const p = pipeline(circuit, bulkhead({ limit: 1, queue: 10 })).with({ clock });
    for (let i = 0; i < 5; i++)
      await p.execute(() => Promise.reject(new HttpStatusError({ status: 503 }))).catch(() => {});
    await clock.advance(1_000);
    let sent = 0;
    const probe = p.execute(async () => {
      sent++;
      await clock.sleep(10);
      return 'up';
    });
    const others = Array.from({ length: 3 }, () => p.execute(async () => ++sent).catch((e: unknown) => e));
    await clock.runAll();
    await expect(probe).resolves.toBe('up');
    expect(await Promise.all(others)).toMatchObject([
      { state: 'half-open' },
      { state: 'half-open' },
      { state: 'half-open' },
    ]);
    expect(sent).toBe(1);
    expect(circuit.stateOf('default')).toBe('closed');
  });

  it('lets a queued call out when the circuit opened and closed again while it waited', async () => {
    const clock = new VirtualClock(0);
    const circuit = breaker({ clock, policy: { consecutive: 1 }, halfOpenAfterMs: 10 });
    const wait = defineMiddleware('wait', async (ctx, next) => {
      if (ctx.tags.wait) await clock.sleep(100, ctx.signal);
      return next(ctx);
    });
    const p = pipeline(circuit, wait).with({ clock });
    const waiting = p.execute(async () => 'sent', { tags: { wait: 'yes' } });
    await p.execute(() => Promise.reject(new HttpStatusError({ status: 503 }))).catch(() => {});
    await clock.advance(10);
    await p.execute(async () => 'probe');
    expect(circuit.stateOf('default')).toBe('closed');
    await clock.advance(100);
    await expect(waiting).resolves.toBe('sent');
  });
});
