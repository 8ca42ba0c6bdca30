import {
  type CallContext,
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
  const circuit = breaker(options);
  const p = pipeline(circuit);
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
      { clock, key, signal },
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
  events.flatMap((e) => (e.type === 'breaker.state' ? [`${e.breakerKey}:${e.from}->${e.to}`] : []));

describe('breaker', () => {
  it('opens after 5 consecutive failures and then refuses calls without running them', async () => {
    const { run, fail, calls, circuit, events, clock } = setup();
    await fail(4);
    expect(circuit.stateOf('gpt-4o')).toBe('closed');
    const fifth = http(503);
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
    expect(events).toMatchObject([
      {
        type: 'breaker.state',
        from: 'closed',
        to: 'open',
        breakerKey: 'gpt-4o',
        retryAfterMs: 30_000,
        status: 503,
      },
    ]);
  });

  it('resets the count on a success', async () => {
    const { run, fail, circuit } = setup();
    await fail(4);
    await run('ok');
    await fail(4);
    expect(circuit.stateOf('gpt-4o')).toBe('closed');
    await fail(1);
    expect(circuit.stateOf('gpt-4o')).toBe('open');
  });

  it('never counts client errors or cancelled calls, and rate limits only when asked', async () => {
    const a = setup();
    await a.fail(10, http(401));
    await a.fail(10, http(400, {}, { error: { code: 'context_length_exceeded' } }));
    await a.fail(10, new DOMException('stop', 'AbortError'));
    await a.fail(10, rateLimited());
    expect(a.circuit.stateOf('gpt-4o')).toBe('closed');
    const b = setup({ countRateLimits: true });
    await b.fail(5, rateLimited());
    expect(b.circuit.stateOf('gpt-4o')).toBe('open');
    const c = setup({ isFailure: ({ classification }) => classification.status === 418 });
    await c.fail(10, http(503));
    expect(c.circuit.stateOf('gpt-4o')).toBe('closed');
    await c.fail(5, http(418));
    expect(c.circuit.stateOf('gpt-4o')).toBe('open');
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
      { clock, key: 'gpt-4o' },
    );
    await clock.advance(0);
    expect(circuit.stateOf('gpt-4o')).toBe('half-open');
    await clock.advance(100);
    const refused = await p.execute(async () => 'no', { clock, key: 'gpt-4o' }).catch((e: unknown) => e);
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

  it('lets the next call probe when the probe is aborted by its caller, rejecting with the reason', async () => {
    const { p, fail, circuit, clock, run } = setup({ halfOpenAfterMs: 10 });
    await fail(5);
    await clock.advance(10);
    const controller = new AbortController();
    const probe = p.execute(
      (ctx: CallContext) =>
        new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
      { clock, key: 'gpt-4o', signal: controller.signal },
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
    const hung = p.execute(() => new Promise((_, reject) => (fail1 = reject)), { clock, key: 'gpt-4o' });
    hung.catch(() => {});
    await clock.advance(100);
    await expect(run('ok')).resolves.toBe('ok');
    fail1(http(503));
    await hung.catch(() => {});
    expect(circuit.stateOf('gpt-4o')).toBe('closed');
  });

  it('keeps one circuit per key: an outage of one model does not stop another', async () => {
    const { run, fail, circuit } = setup();
    await fail(5, http(503), 'gpt-4o');
    await expect(run('ok', 'gpt-4o')).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(run('ok', 'gpt-4o-mini')).resolves.toBe('ok');
    expect(circuit.stateOf('gpt-4o-mini')).toBe('closed');
  });

  it('uses keyBy to choose the circuit', async () => {
    const { run, fail } = setup({ keyBy: (ctx) => ctx.key.split('/')[0]! });
    await fail(5, http(503), 'openai/gpt-4o');
    await expect(run('ok', 'openai/gpt-4o-mini')).rejects.toMatchObject({ key: 'openai' });
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
    await expect(run('ok')).rejects.toMatchObject({ state: 'isolated', retryAfterMs: undefined });
    circuit.reset('gpt-4o');
    await expect(run('ok')).resolves.toBe('ok');
    expect(changes).toEqual(['gpt-4o:closed->isolated:manual', 'gpt-4o:isolated->closed:manual']);
  });

  it('snapshots its state as JSON and restores it with initialState', async () => {
    const { fail, circuit, clock } = setup({ halfOpenAfterMs: 1_000 });
    await fail(5, http(503), 'a');
    await fail(3, http(503), 'b');
    circuit.isolate('c');
    await fail(1, http(503), 'plain');
    await clock.advance(0);
    const json = JSON.parse(JSON.stringify(circuit.snapshot()));
    expect(json).toEqual({
      version: 1,
      circuits: {
        a: { state: 'open', reopenAt: 1_000 },
        b: { state: 'closed', counter: { consecutiveFailures: 3 } },
        c: { state: 'isolated' },
        plain: { state: 'closed', counter: { consecutiveFailures: 1 } },
      },
    });
    const restored = setup({ halfOpenAfterMs: 1_000, initialState: json });
    await expect(restored.run('ok', 'a')).rejects.toMatchObject({ retryAfterMs: 1_000 });
    await expect(restored.run('ok', 'c')).rejects.toMatchObject({ state: 'isolated' });
    await restored.fail(2, http(503), 'b');
    expect(restored.circuit.stateOf('b')).toBe('open');
  });

  it('ratio policy: opens when the failure ratio over the window reaches the threshold, given enough calls', async () => {
    const { run, fail, circuit, clock } = setup({
      policy: { ratio: 0.5, windowMs: 10_000, minThroughput: 20 },
    });
    for (let i = 0; i < 9; i++) await run('ok');
    await fail(9);
    expect(circuit.stateOf('gpt-4o')).toBe('closed'); // 18 calls: below minThroughput
    await run('ok');
    await fail(1);
    expect(circuit.stateOf('gpt-4o')).toBe('open'); // 10 of 20 failed
    const quiet = setup({ policy: { ratio: 0.5, windowMs: 10_000, minThroughput: 4 } });
    await quiet.fail(3);
    await quiet.clock.advance(20_000); // those failures left the window
    await quiet.run('ok');
    await quiet.run('ok');
    await quiet.run('ok');
    await quiet.fail(1);
    expect(quiet.circuit.stateOf('gpt-4o')).toBe('closed');
    expect(clock.pendingTimers).toBe(0);
  });

  it('stays bounded however many keys pass through', async () => {
    const { run, circuit } = setup({ maxKeys: 100 });
    for (let i = 0; i < 1_000; i++) await run('ok', `user-${i}`);
    expect(circuit.size).toBeLessThanOrEqual(100);
  });

  it('validates its options', () => {
    expect(() => breaker({ policy: { consecutive: 0 } })).toThrow(
      new TypeError('breaker: policy.consecutive must be an integer >= 1, got 0'),
    );
    expect(() => breaker({ policy: { ratio: 1.5 } })).toThrow(
      /policy.ratio must be a number in \(0, 1\], got 1.5/,
    );
    expect(() => breaker({ policy: {} as never })).toThrow(/policy must be/);
    expect(() => breaker({ halfOpenAfterMs: -1 })).toThrow(/halfOpenAfterMs/);
    expect(() => breaker({ keyBy: 'model' as never })).toThrow(/keyBy must be a function, got model/);
    expect(() => breaker({ initialState: {} as never })).toThrow(/initialState/);
  });
});
