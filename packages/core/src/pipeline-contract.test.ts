import { describe, expect, it } from 'vitest';
import { setGate, watchAttempt } from './attempt.ts';
import type { ResilienceEvent } from './events.ts';
import { runHook } from './hooks.ts';
import { defineMiddleware, pipeline } from './pipeline.ts';
import { VirtualClock } from './virtual-clock.ts';

describe('pipeline: keys, aborts and gates', () => {
  it('takes the key from execute, else from the one pipeline-level keyBy, else "default"', async () => {
    const seen: string[] = [];
    const p = pipeline().with({ keyBy: ({ request }) => (request as { model: string }).model });
    await p.execute(async (ctx) => seen.push(ctx.key), { request: { model: 'gpt-4o' } });
    await p.execute(async (ctx) => seen.push(ctx.key), { request: { model: 'gpt-4o' }, key: 'explicit' });
    await pipeline().execute(async (ctx) => seen.push(ctx.key));
    expect(seen).toEqual(['gpt-4o', 'explicit', 'default']);
  });

  it('a keyBy that throws or returns no string falls back to "default" and says so', async () => {
    const events: ResilienceEvent[] = [];
    const p = pipeline().with({
      name: 'chat',
      keyBy: () => {
        throw new Error('no model');
      },
    });
    p.on((e) => events.push(e));
    expect(await p.execute(async (ctx) => ctx.key)).toBe('default');
    const bad = pipeline().with({ keyBy: () => 42 as never });
    expect(await bad.execute(async (ctx) => ctx.key)).toBe('default');
    expect(events).toMatchObject([
      { type: 'hook.failed', hook: 'keyBy', source: 'chat', error: 'Error: no model' },
    ]);
  });

  it('an already-aborted signal runs nothing, not even the middlewares', async () => {
    let ran = 0;
    const counting = defineMiddleware('counting', async (ctx, next) => {
      ran++;
      return next(ctx);
    });
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(
      pipeline(counting).execute(async () => ran++, { signal: controller.signal }),
    ).rejects.toThrow('gone');
    expect(ran).toBe(0);
  });

  it('an attempt aborted while it waited inside the pipeline is not sent', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    let sent = 0;
    // A middleware that waits without honouring the signal: the pipeline still stops the attempt.
    const slow = defineMiddleware('slow', async (ctx, next) => {
      await new Promise<void>((resolve) => clock.schedule(100, resolve));
      return next(ctx);
    });
    const call = pipeline(slow).execute(async () => sent++, { signal: controller.signal, clock });
    const outcome = call.catch((e: unknown) => e);
    controller.abort(new Error('caller left'));
    await clock.advance(100);
    expect(await outcome).toMatchObject({ message: 'caller left' });
    expect(sent).toBe(0);
  });

  it('a gate set earlier refuses the attempt right before it leaves, after any wait', async () => {
    const clock = new VirtualClock();
    const OWNER = Symbol('test');
    let open = false;
    const gatekeeper = defineMiddleware('gatekeeper', (ctx, next) => {
      setGate(ctx, OWNER, () => {
        if (open) throw new Error('circuit opened while you waited');
      });
      return next(ctx);
    });
    const queue = defineMiddleware('queue', async (ctx, next) => {
      await clock.sleep(50, ctx.signal);
      return next(ctx);
    });
    let sent = 0;
    const call = pipeline(gatekeeper, queue).execute(async () => ++sent, { clock });
    const outcome = call.catch((e: unknown) => e);
    open = true;
    await clock.advance(50);
    expect(await outcome).toMatchObject({ message: 'circuit opened while you waited' });
    expect(sent).toBe(0);
  });
});

describe('attempt watchers', () => {
  it('see the attempt leave and settle before any middleware inside it sees the outcome', async () => {
    const OWNER = Symbol('watcher');
    const order: string[] = [];
    const outer = defineMiddleware('outer', (ctx, next) => {
      watchAttempt(ctx, OWNER, {
        sent: () => order.push('sent'),
        settled: (_ctx, outcome) =>
          order.push(outcome.ok ? 'settled ok' : `settled ${(outcome.error as Error).message}`),
      });
      return next(ctx);
    });
    const inner = defineMiddleware('inner', async (ctx, next) => {
      try {
        return await next(ctx);
      } catch (error) {
        order.push('inner saw the failure');
        throw error;
      }
    });
    const call = pipeline(outer, inner).execute(async () => {
      order.push('call');
      throw new Error('503');
    });
    await expect(call).rejects.toThrow('503');
    expect(order).toEqual(['sent', 'call', 'settled 503', 'inner saw the failure']);
  });
});

describe('runHook', () => {
  const withCtx = <T>(
    body: (ctx: Parameters<Parameters<ReturnType<typeof pipeline>['execute']>[0]>[0]) => Promise<T>,
    signal?: AbortSignal,
  ) => {
    const events: ResilienceEvent[] = [];
    const p = pipeline();
    p.on((e) => events.push(e));
    return { events, result: p.execute(body, { signal }) };
  };

  it('a hook that throws or rejects is an event, and the fallback is used', async () => {
    const { events, result } = withCtx(async (ctx) => [
      await runHook(
        ctx,
        'retry',
        'shouldRetry',
        () => {
          throw new Error('hook threw');
        },
        true,
      ),
      await runHook(ctx, 'retry', 'onRetry', () => Promise.reject(new Error('async hook threw')), 'fallback'),
      await runHook(ctx, 'retry', 'classify', () => 'value', 'fallback'),
    ]);
    expect(await result).toEqual([true, 'fallback', 'value']);
    expect(events.map((e) => e.type === 'hook.failed' && e.error)).toEqual([
      'Error: hook threw',
      'Error: async hook threw',
    ]);
  });

  it('a hook that never settles cannot hold the call past its abort', async () => {
    const controller = new AbortController();
    const { result } = withCtx(
      (ctx) =>
        runHook(ctx, 'retry', 'onRetry', () => new Promise<void>(() => {}), undefined) as Promise<void>,
      controller.signal,
    );
    setTimeout(() => controller.abort(new Error('caller gave up')), 5);
    await expect(result).rejects.toThrow('caller gave up');
  });
});
