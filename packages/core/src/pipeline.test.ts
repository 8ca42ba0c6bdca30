import { describe, expect, it } from 'vitest';
import { type CallContext, withContext } from './context.ts';
import type { ResilienceEvent } from './events.ts';
import { defineMiddleware, type Middleware, pipeline } from './pipeline.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function recorder(log: string[], name: string): Middleware {
  return defineMiddleware(name, async (ctx, next) => {
    log.push(`${name} in`);
    await tick();
    const result = await next(ctx);
    log.push(`${name} out`);
    return result;
  });
}

describe('pipeline()', () => {
  it('runs middlewares first = outermost, around the call', async () => {
    const log: string[] = [];
    const p = pipeline(recorder(log, 'a'), recorder(log, 'b'), recorder(log, 'c'));
    const result = await p.execute(async () => {
      log.push('call');
      return 42;
    });
    expect(result).toBe(42);
    expect(log).toEqual(['a in', 'b in', 'c in', 'call', 'c out', 'b out', 'a out']);
  });

  it('works with no middlewares at all', async () => {
    await expect(pipeline().execute(async () => 'bare')).resolves.toBe('bare');
  });

  it('should detect disconnected promise chains: outer middleware waits for the inner ones', async () => {
    const log: string[] = [];
    const slow = defineMiddleware('slow', async (ctx, next) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push('slow done');
      return next(ctx);
    });
    const outer = defineMiddleware('outer', async (ctx, next) => {
      const result = await next(ctx);
      log.push('outer done');
      return result;
    });
    await pipeline(outer, slow).execute(async () => log.push('call'));
    expect(log).toEqual(['slow done', 'call', 'outer done']);
  });

  it('should compose with other compositions (nested pipelines)', async () => {
    const log: string[] = [];
    const inner = pipeline(recorder(log, 'b'), recorder(log, 'c'));
    const outer = pipeline(recorder(log, 'a'), inner, recorder(log, 'd'));
    await outer.execute(async () => log.push('call'));
    expect(log).toEqual(['a in', 'b in', 'c in', 'd in', 'call', 'd out', 'c out', 'b out', 'a out']);
  });

  it('should not affect the original middleware array', () => {
    const log: string[] = [];
    const list = [recorder(log, 'a')];
    const p = pipeline(...list);
    list.push(recorder(log, 'b'));
    expect(p.middlewares).toHaveLength(1);
    expect(Object.isFrozen(p.middlewares)).toBe(true);
  });

  it('validates at construction, naming the bad entry', () => {
    expect(() => pipeline((() => {}) as unknown as Middleware, 'nope' as unknown as Middleware)).toThrow(
      new TypeError('pipeline: middleware at index 1 must be a middleware function, got "nope" (string)'),
    );
    expect(() => pipeline().with({ name: '' })).toThrow(TypeError);
    expect(() => pipeline().with({ name: 42 as never })).toThrow(
      new TypeError('pipeline: name must be a non-empty string, got 42'),
    );
    expect(() => pipeline().with({ nmae: 'x' } as never)).toThrow(
      /nmae is not an option \(did you mean name\?\)/,
    );
    expect(() => defineMiddleware('', async (_c, n) => n(_c))).toThrow(/name must be a non-empty string/);
  });

  it('rejects a non-function call and a bad key', async () => {
    await expect(pipeline().execute(undefined as never)).rejects.toThrow(TypeError);
    await expect(pipeline().execute(async () => 1, { key: 5 as never })).rejects.toThrow(/key must be/);
  });

  it('next() again while the previous call is pending is an error', async () => {
    const twice = defineMiddleware('twice', async (ctx, next) => {
      const first = next(ctx);
      await expect(next(ctx)).rejects.toThrow(
        'twice: next() called again while the previous call is still pending',
      );
      return first;
    });
    await expect(pipeline(twice).execute(async () => 'ok')).resolves.toBe('ok');
  });

  it('next() again after the previous call settled is allowed (that is how retry works)', async () => {
    let calls = 0;
    const again = defineMiddleware('again', async (ctx, next) => {
      await next(ctx).catch(() => undefined);
      return next(withContext(ctx, { attempt: ctx.attempt + 1 }));
    });
    const result = await pipeline(again).execute(async (ctx) => {
      calls++;
      if (ctx.attempt === 1) throw new Error('first fails');
      return ctx.attempt;
    });
    expect(result).toBe(2);
    expect(calls).toBe(2);
  });

  it('next() after the middleware returned is an error', async () => {
    let leaked: ((ctx: CallContext) => Promise<unknown>) | undefined;
    let captured: CallContext | undefined;
    const leak = defineMiddleware('leak', async (ctx, next) => {
      leaked = next as never;
      captured = ctx;
      return 'early' as never;
    });
    await pipeline(leak).execute(async () => 'call');
    await expect(leaked!(captured!)).rejects.toThrow('leak: next() called after the middleware returned');
  });

  it('passes errors through unchanged, including sync throws from a middleware', async () => {
    const boom = new RangeError('boom');
    await expect(pipeline(recorder([], 'a')).execute(async () => Promise.reject(boom))).rejects.toBe(boom);
    const syncThrow = defineMiddleware('syncThrow', (() => {
      throw boom;
    }) as never);
    await expect(pipeline(syncThrow).execute(async () => 1)).rejects.toBe(boom);
  });

  it('a call that throws synchronously still rejects, with or without middlewares', async () => {
    const boom = new Error('sync');
    const thrower = (() => {
      throw boom;
    }) as unknown as () => Promise<never>;
    await expect(pipeline().execute(thrower)).rejects.toBe(boom);
    await expect(pipeline(recorder([], 'a')).execute(thrower)).rejects.toBe(boom);
  });

  it('gives each call a fresh context with defaults, key, tags and request', async () => {
    const seen: CallContext[] = [];
    const p = pipeline();
    await p.execute(async (ctx) => seen.push(ctx));
    await p.execute(async (ctx) => seen.push(ctx), {
      key: 'gpt-4o',
      tags: { user: 'u1' },
      request: { model: 'x' },
    });
    expect(seen[0]).toMatchObject({ attempt: 1, key: 'default', tags: {}, deadline: undefined });
    expect(seen[0]!.signal.aborted).toBe(false);
    expect(seen[1]).toMatchObject({ key: 'gpt-4o', tags: { user: 'u1' }, request: { model: 'x' } });
    expect(seen[0]!.meta).not.toBe(seen[1]!.meta);
    expect(Object.isFrozen(seen[1]!.tags)).toBe(true);
  });
});

describe('events', () => {
  it('stamps events with the emitting context and reaches nested and outer listeners', async () => {
    const outerEvents: ResilienceEvent[] = [];
    const innerEvents: ResilienceEvent[] = [];
    const emitter = defineMiddleware('emitter', async (ctx, next) => {
      const retried = withContext(ctx, { attempt: 3 });
      retried.emit({ type: 'custom', source: 'emitter' } as never);
      return next(retried);
    });
    const inner = pipeline(emitter).with({ name: 'inner' });
    inner.on((e) => innerEvents.push(e));
    const outer = pipeline(inner).with({ name: 'outer' });
    outer.on((e) => outerEvents.push(e));
    await outer.execute(async () => 1, { key: 'k', tags: { feature: 'chat' } });
    expect(innerEvents).toEqual([
      expect.objectContaining({ type: 'custom', source: 'emitter', attempt: 3, key: 'k', pipeline: 'inner' }),
    ]);
    expect(outerEvents).toEqual([
      expect.objectContaining({ type: 'custom', attempt: 3, tags: { feature: 'chat' }, pipeline: 'outer' }),
    ]);
    expect(typeof outerEvents[0]!.time).toBe('number');
  });

  it('a throwing listener never breaks the call, and unsubscribe works', async () => {
    const p = pipeline(
      defineMiddleware('e', async (ctx, next) => {
        ctx.emit({ type: 'x', source: 'e' } as never);
        return next(ctx);
      }),
    );
    const seen: string[] = [];
    p.on(() => {
      throw new Error('listener bug');
    });
    const off = p.on((e) => seen.push(e.type));
    await expect(p.execute(async () => 'ok')).resolves.toBe('ok');
    off();
    await p.execute(async () => 'ok');
    expect(seen).toEqual(['x']);
    expect(() => p.on('no' as never)).toThrow(TypeError);
  });
});
