import {
  type CallContext,
  defineMiddleware,
  HttpStatusError,
  pipeline,
  type ResilienceEvent,
  VirtualClock,
} from '@unfazed/core';
import { describe, expect, it } from 'vitest';
import { breaker } from './breaker.ts';
import type { BreakerOptions } from './breaker-options.ts';
import { CircuitOpenError } from './errors.ts';

const http = (status: number, headers: Record<string, string> = {}, body?: unknown) =>
  new HttpStatusError({ status, headers, body });
const rateLimited = () => http(429, {}, { error: { code: 'rate_limit_exceeded', type: 'tokens' } });

function setup(options: BreakerOptions = {}) {
  const clock = new VirtualClock(0);
  const circuit = breaker({ clock, ...options });
  const p = pipeline(circuit).with({ clock });
  const events: ResilienceEvent[] = [];
  p.on((e) => events.push(e));
  let calls = 0;
  const run = (outcome: unknown, key = 'gpt-4o', signal?: AbortSignal) => {
    const promise = p.execute(
      async () => {
        calls++;
        if (outcome instanceof Error) throw outcome;
        return outcome;
      },
      { key, signal },
    );
    promise.catch(() => {});
    return promise;
  };
  const fail = async (n: number, error: unknown = http(503), key?: string) => {
    for (let i = 0; i < n; i++) await run(error, key).catch(() => {});
  };
  return { clock, circuit, p, events, run, fail, calls: () => calls };
}

const stateEvents = (events: ResilienceEvent[]) =>
  events.flatMap((e) => (e.type === 'breaker.state-changed' ? [`${e.key}:${e.from}->${e.to}`] : []));

describe('breaker', () => {
  it('opens after 5 failures of an outage and then refuses calls without running them', async () => {
    const { run, fail, calls, circuit, events, clock } = setup();
    await fail(4);
    expect(circuit.stateOf('gpt-4o')).toBe('closed');
    const fifth = http(503, { 'x-request-id': 'req_5' });
    await expect(run(fifth)).rejects.toBe(fifth);
    expect(circuit.stateOf('gpt-4o')).toBe('open');
    await clock.advance(1_000);
    const refused = await run('ok').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toMatchObject({
      code: 'CIRCUIT_OPEN',
      key: 'gpt-4o',
      state: 'open',
      retryAfterMs: 29_000,
    });
    expect((refused as Error).cause).toBe(fifth);
    expect(calls()).toBe(5);
    expect(events).toEqual([
      {
        type: 'breaker.state-changed',
        source: 'breaker',
        time: 0,
        key: 'gpt-4o',
        attempt: 1,
        tags: {},
        pipeline: 'pipeline',
        from: 'closed',
        to: 'open',
        retryAfterMs: 30_000,
        category: 'transient',
        reason: 'overloaded',
        status: 503,
        code: undefined,
        requestId: 'req_5',
      },
    ]);
  });

  it('names its events after its name option', async () => {
    const { fail, events } = setup({ name: 'per-model' });
    await fail(5);
    expect(events).toMatchObject([{ type: 'breaker.state-changed', source: 'per-model' }]);
  });

  it('restarts the run on a success', async () => {
    const { run, fail, circuit } = setup();
    await fail(4);
    await run('ok');
    await fail(4);
    expect(circuit.stateOf('gpt-4o')).toBe('closed');
    await fail(1);
    expect(circuit.stateOf('gpt-4o')).toBe('open');
  });

  it('never counts client errors, cancelled calls or refusals; rate limits only when asked', async () => {
    const a = setup();
    await a.fail(10, http(401));
    await a.fail(10, http(400, {}, { error: { code: 'context_length_exceeded' } }));
    await a.fail(10, new DOMException('stop', 'AbortError'));
    await a.fail(10, new CircuitOpenError('elsewhere', 'open', 10));
    await a.fail(10, rateLimited());
    expect(a.circuit.stateOf('gpt-4o')).toBe('closed');
    const b = setup({ countRateLimits: true });
    await b.fail(5, rateLimited());
    expect(b.circuit.stateOf('gpt-4o')).toBe('open');
  });

  it('isFailure decides instead of the default, but never sees refusals, cancellations or client errors', async () => {
    class LegacyServiceError extends Error {}
    const seen: string[] = [];
    const c = setup({
      isFailure: ({ error, classification }) => {
        seen.push(classification.category);
        return error instanceof LegacyServiceError;
      },
    });
    await c.fail(10, http(503));
    await c.fail(3, new DOMException('stop', 'AbortError'));
    await c.fail(3, new CircuitOpenError('elsewhere', 'open', 10));
    await c.fail(3, http(401));
    expect(c.circuit.stateOf('gpt-4o')).toBe('closed');
    expect(seen).toEqual(Array(10).fill('transient'));
    await c.fail(5, new LegacyServiceError('down')); // classify says unknown; isFailure says it counts
    expect(c.circuit.stateOf('gpt-4o')).toBe('open');
    expect(seen.at(-1)).toBe('unknown');
  });

  it('an async isFailure is awaited', async () => {
    const c = setup({ isFailure: async ({ classification }) => classification.category === 'unknown' });
    await c.fail(5, new Error('legacy service down'));
    expect(c.circuit.stateOf('gpt-4o')).toBe('open');
  });

  it('a throwing isFailure means the default decision and a hook.failed event, never another error', async () => {
    const c = setup({
      isFailure: () => {
        throw new Error('bug in isFailure');
      },
    });
    const error = http(503);
    await expect(c.run(error)).rejects.toBe(error);
    await c.fail(4);
    expect(c.circuit.stateOf('gpt-4o')).toBe('open');
    expect(c.events.filter((e) => e.type === 'hook.failed')).toHaveLength(5);
    expect(c.events[0]).toMatchObject({
      type: 'hook.failed',
      source: 'breaker',
      hook: 'isFailure',
      error: 'Error: bug in isFailure',
    });
    const nonsense = setup({ isFailure: () => 'yes' as never });
    await nonsense.fail(5, new Error('legacy'));
    expect(nonsense.circuit.stateOf('gpt-4o')).toBe('closed'); // unknown: the default says no
    expect(nonsense.events[0]).toMatchObject({
      type: 'hook.failed',
      error: 'isFailure returned "yes" (string), not true or false',
    });
  });

  it('an isFailure that never settles does not hold the call past its abort', async () => {
    const c = setup({ isFailure: () => new Promise<boolean>(() => {}) });
    const controller = new AbortController();
    const error = http(503);
    const call = c.run(error, 'gpt-4o', controller.signal);
    await c.clock.advance(0);
    controller.abort(new Error('caller left'));
    await expect(call).rejects.toBe(error);
    expect(c.circuit.stateOf('gpt-4o')).toBe('closed');
  });

  it('a throwing onStateChange is ignored', async () => {
    const c = setup({
      onStateChange: () => {
        throw new Error('observer bug');
      },
    });
    const error = http(503);
    await c.fail(4);
    await expect(c.run(error)).rejects.toBe(error);
    expect(c.circuit.stateOf('gpt-4o')).toBe('open');
  });

  it('an already-aborted signal never runs the call nor takes the probe', async () => {
    const clock = new VirtualClock(0);
    const circuit = breaker({ clock, halfOpenAfterMs: 10 });
    const controller = new AbortController();
    const reason = new Error('gone');
    // The caller gives up on its way in, before the breaker sees the call.
    const leaving = defineMiddleware('leaving', (ctx, next) => {
      if (ctx.tags.leave === 'yes') controller.abort(reason);
      return next(ctx);
    });
    const p = pipeline(leaving, circuit).with({ clock });
    let calls = 0;
    const down = async () => {
      calls++;
      throw http(503);
    };
    for (let i = 0; i < 5; i++) await p.execute(down).catch(() => {});
    await clock.advance(10);
    const call = p.execute(async () => ++calls, { signal: controller.signal, tags: { leave: 'yes' } });
    await expect(call).rejects.toBe(reason);
    expect(calls).toBe(5);
    expect(circuit.stateOf('default')).toBe('open'); // the probe is still free for a real call
  });

  it('after halfOpenAfterMs lets exactly one probe through; others fail fast; success closes', async () => {
    const { p, fail, circuit, clock, events } = setup();
    await fail(5);
    await clock.advance(30_000);
    let release: (v: string) => void = () => {};
    let probes = 0;
    const probe = p.execute(
      () => {
        probes++;
        return new Promise<string>((r) => (release = r));
      },
      { key: 'gpt-4o' },
    );
    await clock.advance(0);
    expect(circuit.stateOf('gpt-4o')).toBe('half-open');
    await clock.advance(100);
    const refused = await p.execute(async () => 'no', { key: 'gpt-4o' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'CIRCUIT_OPEN', state: 'half-open', retryAfterMs: 29_900 });
    expect(probes).toBe(1);
    release('yes');
    await expect(probe).resolves.toBe('yes');
    expect(circuit.stateOf('gpt-4o')).toBe('closed');
    expect(stateEvents(events)).toEqual([
      'gpt-4o:closed->open',
      'gpt-4o:open->half-open',
      'gpt-4o:half-open->closed',
    ]);
  });

  it('reopens for another halfOpenAfterMs when the probe fails', async () => {
    const { run, fail, circuit, clock } = setup({ halfOpenAfterMs: 1_000 });
    await fail(5);
    await clock.advance(1_000);
    await run(http(500)).catch(() => {});
    expect(circuit.stateOf('gpt-4o')).toBe('open');
    await clock.advance(999);
    await expect(run('ok')).rejects.toMatchObject({ retryAfterMs: 1 });
    await clock.advance(1);
    await expect(run('ok')).resolves.toBe('ok');
    expect(circuit.stateOf('gpt-4o')).toBe('closed');
  });

  it('closes on a probe that meets a client error (the service answered)', async () => {
    const { run, fail, circuit, clock } = setup({ halfOpenAfterMs: 10 });
    await fail(5);
    await clock.advance(10);
    await run(http(400)).catch(() => {});
    expect(circuit.stateOf('gpt-4o')).toBe('closed');
  });

  it('lets the next call probe when the probe is refused inside the pipeline', async () => {
    const { run, fail, circuit, clock } = setup({ halfOpenAfterMs: 10 });
    await fail(5);
    await clock.advance(10);
    await run(new CircuitOpenError('inner', 'open', 5)).catch(() => {});
    expect(circuit.stateOf('gpt-4o')).toBe('half-open');
    await expect(run('ok')).resolves.toBe('ok');
    expect(circuit.stateOf('gpt-4o')).toBe('closed');
  });

  it('lets the next call probe when the probe is aborted by its caller, rejecting with the reason', async () => {
    const { p, fail, circuit, clock, run } = setup({ halfOpenAfterMs: 10 });
    await fail(5);
    await clock.advance(10);
    const controller = new AbortController();
    const probe = p.execute(
      (ctx: CallContext) =>
        new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
      { key: 'gpt-4o', signal: controller.signal },
    );
    await clock.advance(0);
    const reason = new Error('caller left');
    controller.abort(reason);
    await expect(probe).rejects.toBe(reason);
    expect(circuit.stateOf('gpt-4o')).toBe('half-open');
    await expect(run('ok')).resolves.toBe('ok');
    expect(circuit.stateOf('gpt-4o')).toBe('closed');
  });

  it('treats a probe still running after halfOpenAfterMs as lost, and ignores its late answer', async () => {
    const { p, fail, circuit, clock, run } = setup({ halfOpenAfterMs: 100 });
    await fail(5);
    await clock.advance(100);
    let fail1: (e: unknown) => void = () => {};
    const hung = p.execute(() => new Promise((_, reject) => (fail1 = reject)), { key: 'gpt-4o' });
    hung.catch(() => {});
    await clock.advance(100);
    await expect(run('ok')).resolves.toBe('ok');
    fail1(http(503));
    await hung.catch(() => {});
    expect(circuit.stateOf('gpt-4o')).toBe('closed');
  });

  it('keeps one circuit per ctx.key: an outage of one model does not stop another', async () => {
    const { run, fail, circuit } = setup();
    await fail(5, http(503), 'gpt-4o');
    await expect(run('ok', 'gpt-4o')).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(run('ok', 'gpt-4o-mini')).resolves.toBe('ok');
    expect(circuit.stateOf('gpt-4o-mini')).toBe('closed');
  });

  it("takes the circuit's key from the pipeline's keyBy", async () => {
    const clock = new VirtualClock(0);
    const circuit = breaker({ clock });
    const p = pipeline(circuit).with({ clock, keyBy: ({ request }) => (request as { model: string }).model });
    const down = async () => Promise.reject(http(503));
    for (let i = 0; i < 5; i++) await p.execute(down, { request: { model: 'gpt-4o' } }).catch(() => {});
    await expect(p.execute(async () => 'ok', { request: { model: 'gpt-4o' } })).rejects.toMatchObject({
      key: 'gpt-4o',
    });
    await expect(p.execute(async () => 'ok', { request: { model: 'gpt-4o-mini' } })).resolves.toBe('ok');
  });

  it('stays open as long as a long retry-after that opened it asks, up to maxOpenMs', async () => {
    const a = setup();
    await a.fail(5, http(503, { 'retry-after': '120' }));
    await expect(a.run('ok')).rejects.toMatchObject({ retryAfterMs: 120_000 });
    const b = setup({ maxOpenMs: 60_000 });
    await b.fail(5, http(503, { 'retry-after': '120' }));
    await expect(b.run('ok')).rejects.toMatchObject({ retryAfterMs: 60_000 });
  });

  it('isolates and resets by hand, telling onStateChange', async () => {
    const changes: string[] = [];
    const { run, circuit } = setup({
      onStateChange: ({ key, from, to, cause }) => void changes.push(`${key}:${from}->${to}:${cause}`),
    });
    circuit.isolate('gpt-4o');
    circuit.isolate('gpt-4o');
    await expect(run('ok')).rejects.toMatchObject({ state: 'isolated', retryAfterMs: undefined });
    circuit.reset('gpt-4o');
    circuit.reset('never-seen');
    await expect(run('ok')).resolves.toBe('ok');
    expect(changes).toEqual(['gpt-4o:closed->isolated:manual', 'gpt-4o:isolated->closed:manual']);
    expect(() => circuit.isolate('')).toThrow(
      new TypeError('breaker.isolate: key must be a non-empty string, got "" (string)'),
    );
  });

  it('snapshots its state as JSON and restores it with initialState', async () => {
    const { fail, circuit, clock } = setup({ halfOpenAfterMs: 1_000 });
    await fail(5, http(503), 'a');
    await fail(3, http(503), 'b');
    circuit.isolate('c');
    await fail(1, http(503), 'plain');
    await clock.advance(0);
    const json = JSON.parse(JSON.stringify(circuit.snapshot()));
    const window = (failures: number) => ({ bucketMs: 1_000, buckets: [[0, failures, 0]] });
    expect(json).toEqual({
      version: 1,
      circuits: {
        a: { state: 'open', reopenAt: 1_000 },
        b: { state: 'closed', counter: { consecutive: 3, window: window(3) } },
        c: { state: 'isolated' },
        plain: { state: 'closed', counter: { consecutive: 1, window: window(1) } },
      },
    });
    const restored = setup({ halfOpenAfterMs: 1_000, initialState: json });
    await expect(restored.run('ok', 'a')).rejects.toMatchObject({ retryAfterMs: 1_000 });
    await expect(restored.run('ok', 'c')).rejects.toMatchObject({ state: 'isolated' });
    await restored.fail(1, http(503), 'b');
    expect(restored.circuit.stateOf('b')).toBe('closed');
    await restored.fail(1, http(503), 'b');
    expect(restored.circuit.stateOf('b')).toBe('open'); // 3 restored + 2
    expect(restored.clock.pendingTimers).toBe(0);
  });

  it('saves a half-open circuit as open and due, so a restored breaker probes first', async () => {
    const { p, fail, circuit, clock } = setup({ halfOpenAfterMs: 1_000 });
    await fail(5);
    await clock.advance(1_000);
    const probe = p.execute(() => new Promise(() => {}), { key: 'gpt-4o' });
    probe.catch(() => {});
    await clock.advance(0);
    expect(circuit.snapshot().circuits['gpt-4o']).toEqual({ state: 'open', reopenAt: 1_000 });
  });
});
