import { HttpStatusError, pipeline, VirtualClock } from '@unfazed/core';
import { describe, expect, it } from 'vitest';
import { breaker } from './breaker.ts';
import type { BreakerOptions } from './breaker-options.ts';
import { CircuitOpenError } from './errors.ts';

const down = async (): Promise<never> => {
  throw new HttpStatusError({ status: 503 });
};

function setup(options: BreakerOptions) {
  const clock = new VirtualClock(0);
  const circuit = breaker({ clock, ...options });
  const p = pipeline(circuit).with({ clock });
  return { clock, circuit, p };
}

describe('breaker: keyed state', () => {
  it('never drops a circuit while a call runs through it (the failure lands where the next call looks)', async () => {
    const { circuit, p, clock } = setup({ maxKeys: 1, policy: { consecutive: 1 } });
    let failA: (error: unknown) => void = () => {};
    const a = p.execute(() => new Promise((_, reject) => (failA = reject)), { key: 'A' });
    a.catch(() => {});
    await clock.advance(0);
    // A new key arrives while A's call is in flight, with room for one circuit only.
    await expect(p.execute(async () => 'b', { key: 'B' })).resolves.toBe('b');
    failA(new HttpStatusError({ status: 503 }));
    await a.catch(() => {});
    expect(circuit.stateOf('A')).toBe('open');
    let sent = 0;
    await expect(p.execute(async () => ++sent, { key: 'A' })).rejects.toBeInstanceOf(CircuitOpenError);
    expect(sent).toBe(0);
    // Once no call holds it, plain LRU applies again.
    await p.execute(async () => 'c', { key: 'C' });
    expect(circuit.size).toBe(1);
  });

  it('keeps an isolated circuit until reset, however many keys pass', async () => {
    const { circuit, p } = setup({ maxKeys: 2 });
    circuit.isolate('A');
    for (let i = 0; i < 100; i++) await p.execute(async () => 'ok', { key: `k${i}` });
    expect(circuit.stateOf('A')).toBe('isolated');
    await expect(p.execute(async () => 'ok', { key: 'A' })).rejects.toMatchObject({ state: 'isolated' });
    circuit.reset('A');
    for (let i = 0; i < 100; i++) await p.execute(async () => 'ok', { key: `j${i}` });
    expect(circuit.size).toBeLessThanOrEqual(2);
    expect(circuit.stateOf('A')).toBe('closed');
  });

  it('keeps an isolated circuit restored from a snapshot until reset', async () => {
    const { circuit, p } = setup({
      maxKeys: 1,
      initialState: { version: 1, circuits: { A: { state: 'isolated' } } },
    });
    for (let i = 0; i < 10; i++) await p.execute(async () => 'ok', { key: `k${i}` });
    expect(circuit.stateOf('A')).toBe('isolated');
  });

  it('counts open circuits toward maxKeys: 16 000 open circuits keep 1 000, least recently used dropped', async () => {
    const { circuit, p } = setup({ maxKeys: 1_000, policy: { consecutive: 1 } });
    const started = performance.now();
    for (let i = 0; i < 16_000; i++) await p.execute(down, { key: `user-${i}` }).catch(() => {});
    const elapsed = performance.now() - started;
    expect(circuit.size).toBe(1_000);
    expect(circuit.stateOf('user-15999')).toBe('open');
    expect(circuit.stateOf('user-0')).toBe('closed'); // forgotten: it was the least recently used
    // No scan over the open circuits per new key: 16 000 keys take well under a second or two.
    expect(elapsed).toBeLessThan(3_000);
  });

  it('forgets an idle circuit, but an open one not before it may probe', async () => {
    const { circuit, p, clock } = setup({ idleMs: 1_000, halfOpenAfterMs: 30_000 });
    for (let i = 0; i < 5; i++) await p.execute(down, { key: 'open' }).catch(() => {});
    for (let i = 0; i < 3; i++) await p.execute(down, { key: 'counting' }).catch(() => {});
    await clock.advance(10_000);
    await p.execute(async () => 'ok', { key: 'new' }); // a new key sweeps expired ones
    expect(circuit.stateOf('open')).toBe('open');
    expect(circuit.stateOf('counting')).toBe('closed');
    expect(circuit.snapshot().circuits.counting).toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
  });
});
