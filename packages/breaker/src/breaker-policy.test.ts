import { HttpStatusError, pipeline, type ResilienceEvent, VirtualClock } from '@unfazed/core';
import { ConsecutiveBreaker, CountBreaker, SamplingBreaker } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { breaker } from './breaker.ts';
import type { BreakerOptions } from './breaker-options.ts';

/** A seeded PRNG (mulberry32), so "30 % failing" is the same attempts on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function traffic(options: BreakerOptions = {}) {
  const clock = new VirtualClock(0);
  const circuit = breaker({ clock, ...options });
  const p = pipeline(circuit).with({ clock });
  const events: ResilienceEvent[] = [];
  p.on((e) => events.push(e));
  let sent = 0;
  let refused = 0;
  /** One attempt; `failing` says whether the service would fail it (a 503). */
  const attempt = async (failing: boolean, key = 'gpt-4o') => {
    try {
      await p.execute(
        async () => {
          sent++;
          if (failing) throw new HttpStatusError({ status: 503 });
          return 'ok';
        },
        { key },
      );
    } catch (error) {
      if ((error as { code?: string }).code === 'CIRCUIT_OPEN') refused++;
    }
  };
  /** `perSecond` attempts a second for `seconds` (virtual), failing as `failing(i)` says. */
  const run = async (perSecond: number, seconds: number, failing: (i: number) => boolean) => {
    const gap = 1_000 / perSecond;
    for (let i = 0; i < perSecond * seconds; i++) {
      await attempt(failing(i));
      await clock.advance(gap);
    }
  };
  const openedAt = () => events.find((e) => e.type === 'breaker.state-changed' && e.to === 'open')?.time;
  return { clock, circuit, run, attempt, openedAt, sent: () => sent, refused: () => refused };
}

describe('breaker: the default policy opens on outages, not on luck', () => {
  it('30 % failures at 100 attempts/s for 60 s: never opens (a consecutive-only policy would)', async () => {
    const random = seeded(7);
    const failing = Array.from({ length: 6_000 }, () => random() < 0.3);
    const t = traffic();
    await t.run(100, 60, (i) => failing[i]!);
    expect(t.openedAt()).toBeUndefined();
    expect(t.sent()).toBe(6_000);
    // The same traffic under the old default, 5 in a row: runs of 5 come every few seconds.
    const old = traffic({ policy: { consecutive: 5 } });
    await old.run(100, 60, (i) => failing[i]!);
    expect(old.openedAt()).toBeLessThan(10_000);
    expect(old.refused()).toBeGreaterThan(1_000);
  });

  it('30 % failures after a healthy first second: no seed opens it', async () => {
    // Only a circuit's first moments (a handful of outcomes, say 5 failures in the first 7) can
    // read 30 % as an outage; from then on the window carries hundreds of outcomes.
    for (let seed = 1; seed <= 10; seed++) {
      const random = seeded(seed);
      const t = traffic();
      await t.run(100, 60, (i) => i >= 100 && random() < 0.3);
      expect(t.openedAt(), `seed ${seed}`).toBeUndefined();
    }
  });

  it('100 % failures at 100 attempts/s: opens at exactly the 5th failure', async () => {
    const t = traffic();
    await t.run(100, 1, () => true);
    expect(t.sent()).toBe(5);
    expect(t.openedAt()).toBe(40); // the 5th attempt, 10 ms apart from 0
    expect(t.refused()).toBe(95);
  });

  it('one call a minute, all failing: opens at the 5th', async () => {
    const t = traffic();
    for (let i = 0; i < 4; i++) {
      await t.attempt(true);
      await t.clock.advance(60_000);
    }
    expect(t.circuit.stateOf('gpt-4o')).toBe('closed');
    await t.attempt(true);
    expect(t.circuit.stateOf('gpt-4o')).toBe('open');
    expect(t.openedAt()).toBe(240_000);
  });

  it('a burst of 5 failures inside healthy traffic at a high rate does not open it', async () => {
    const burst = (i: number) => i >= 1_000 && i < 1_005;
    const t = traffic();
    await t.run(100, 20, burst);
    expect(t.openedAt()).toBeUndefined();
    const old = traffic({ policy: { consecutive: 5 } });
    await old.run(100, 20, burst);
    expect(old.openedAt()).toBe(10_040);
  });

  it('an outage after healthy traffic opens it once half the window failed, within windowMs × ratio', async () => {
    const t = traffic();
    await t.run(100, 30, (i) => i >= 2_000);
    const opened = t.openedAt()!;
    expect(opened).toBeGreaterThan(20_000);
    expect(opened).toBeLessThanOrEqual(25_000);
  });

  it('ratio alone: opens when the share of failures over the window reaches it, given enough calls', async () => {
    const t = traffic({ policy: { ratio: 0.5, windowMs: 10_000, minThroughput: 20 } });
    for (let i = 0; i < 9; i++) await t.attempt(false);
    for (let i = 0; i < 9; i++) await t.attempt(true);
    expect(t.circuit.stateOf('gpt-4o')).toBe('closed'); // 18 calls: below minThroughput
    await t.attempt(false);
    await t.attempt(true);
    expect(t.circuit.stateOf('gpt-4o')).toBe('open'); // 10 of 20 failed
  });

  it('takes the window time from ctx.clock: failures that left the window no longer count', async () => {
    const t = traffic({ policy: { ratio: 0.5, windowMs: 10_000, minThroughput: 4 } });
    for (let i = 0; i < 3; i++) await t.attempt(true);
    await t.clock.advance(20_000);
    for (let i = 0; i < 3; i++) await t.attempt(false);
    await t.attempt(true);
    expect(t.circuit.stateOf('gpt-4o')).toBe('closed'); // 1 of 4 in the window
    expect(t.clock.pendingTimers).toBe(0);
  });
});

describe('breaker: cockatiel breakers as the policy', () => {
  it('a factory gives each key its own ConsecutiveBreaker', async () => {
    const t = traffic({ policy: () => new ConsecutiveBreaker(3) });
    for (let i = 0; i < 3; i++) await t.attempt(true, 'a');
    for (let i = 0; i < 2; i++) await t.attempt(true, 'b');
    expect([t.circuit.stateOf('a'), t.circuit.stateOf('b')]).toEqual(['open', 'closed']);
  });

  it('an instance is shared by every key', async () => {
    const t = traffic({ policy: new ConsecutiveBreaker(3) });
    for (let i = 0; i < 2; i++) await t.attempt(true, 'a');
    await t.attempt(true, 'b');
    expect([t.circuit.stateOf('a'), t.circuit.stateOf('b')]).toEqual(['closed', 'open']);
  });

  it('CountBreaker and SamplingBreaker decide when the circuit opens', async () => {
    const count = traffic({ policy: () => new CountBreaker({ threshold: 0.5, size: 10 }) });
    for (let i = 0; i < 4; i++) await count.attempt(false);
    for (let i = 0; i < 5; i++) await count.attempt(true);
    expect(count.circuit.stateOf('gpt-4o')).toBe('closed'); // 9 calls: below the window's size
    await count.attempt(true);
    expect(count.circuit.stateOf('gpt-4o')).toBe('open'); // 6 of 10
    const sampling = traffic({
      policy: () => new SamplingBreaker({ threshold: 0.5, duration: 1_000, minimumRps: 1 }),
    });
    await sampling.attempt(false);
    await sampling.attempt(true);
    expect(sampling.circuit.stateOf('gpt-4o')).toBe('closed');
    await sampling.attempt(true);
    expect(sampling.circuit.stateOf('gpt-4o')).toBe('open');
  });

  it("drives a user's own breaker as cockatiel does: 0 while closed, 2 for the probe", async () => {
    const calls: string[] = [];
    const own = {
      state: 0,
      success(state: number) {
        calls.push(`success(${state})`);
        this.state = 0;
      },
      failure(state: number) {
        calls.push(`failure(${state})`);
        return ++this.state >= 2;
      },
    };
    const t = traffic({ policy: () => own, halfOpenAfterMs: 100 });
    await t.attempt(false);
    await t.attempt(true);
    await t.attempt(true);
    await t.clock.advance(100);
    await t.attempt(true); // the probe fails
    await t.clock.advance(100);
    await t.attempt(false); // the probe succeeds
    expect(calls).toEqual(['success(0)', 'failure(0)', 'failure(0)', 'failure(2)', 'success(2)']);
    expect(t.circuit.stateOf('gpt-4o')).toBe('closed');
  });

  it("saves and restores a cockatiel breaker's own state", async () => {
    const t = traffic({ policy: () => new ConsecutiveBreaker(3) });
    await t.attempt(true);
    await t.attempt(true);
    const saved = JSON.parse(JSON.stringify(t.circuit.snapshot()));
    expect(saved).toEqual({ version: 1, circuits: { 'gpt-4o': { state: 'closed', counter: 2 } } });
    const restored = traffic({ policy: () => new ConsecutiveBreaker(3), initialState: saved });
    await restored.attempt(true);
    expect(restored.circuit.stateOf('gpt-4o')).toBe('open');
  });

  it('a breaker that throws is a hook.failed event; the call fails with its own error', async () => {
    const clock = new VirtualClock(0);
    const broken = {
      success() {},
      failure(): boolean {
        throw new Error('broken breaker');
      },
    };
    const p = pipeline(breaker({ clock, policy: () => broken })).with({ clock });
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    const error = new HttpStatusError({ status: 503 });
    await expect(p.execute(() => Promise.reject(error))).rejects.toBe(error);
    expect(events).toMatchObject([{ type: 'hook.failed', hook: 'policy', error: 'Error: broken breaker' }]);
  });
});
