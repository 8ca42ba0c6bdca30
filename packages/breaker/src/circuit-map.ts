import type { Classification } from '@unfazed/classify';
import type { CallContext } from '@unfazed/core';
import { describeFailure, KeyedMap, optionError, runObserver } from '@unfazed/core/internal';
import type { ResolvedBreakerOptions } from './breaker-options.ts';
import { type BreakerSnapshot, Circuit, type CircuitState, restoreCircuit, saveCircuit } from './circuit.ts';

/**
 * A breaker's circuits, one per key, in core's bounded KeyedMap, and every transition between
 * states. A circuit is pinned (never evicted) while a call runs through it, and while isolated.
 */
export class CircuitMap {
  readonly #o: ResolvedBreakerOptions;
  readonly #map: KeyedMap<Circuit>;
  readonly #create: () => Circuit;

  constructor(o: ResolvedBreakerOptions) {
    this.#o = o;
    this.#map = new KeyedMap<Circuit>({ maxKeys: o.maxKeys, idleMs: o.idleMs });
    this.#create = () => new Circuit(o.policy());
    const start = o.clock.now();
    for (const [key, saved] of Object.entries(o.initialState?.circuits ?? {})) {
      const c = this.#create();
      try {
        restoreCircuit(c, saved);
      } catch {
        const place = { owner: 'breaker', path: `initialState.circuits[${JSON.stringify(key)}].counter` };
        throw optionError(place, "the policy's saved state", saved.counter);
      }
      this.#map.set(key, c, start, c.state === 'open' ? Math.max(c.reopenAt, start + o.idleMs) : undefined);
      if (c.state === 'isolated') c.unpin = this.#map.pin(key);
    }
  }

  get size(): number {
    return this.#map.size;
  }

  /** The circuit of `key`, made closed when missing. */
  get(key: string, now: number): Circuit {
    return this.#map.getOrCreate(key, now, this.#create);
  }

  /** Holds `key` in memory until the returned function is called. */
  pin(key: string): () => void {
    return this.#map.pin(key);
  }

  /** Runs a call into the policy: a cockatiel breaker is user code, so a throw is a `hook.failed` event. */
  count(ctx: CallContext | undefined, work: () => unknown): boolean {
    try {
      return work() === true;
    } catch (error) {
      ctx?.emit({ type: 'hook.failed', source: this.#o.name, hook: 'policy', error: describeFailure(error) });
      return false;
    }
  }

  /** Moves `c` to `to`: an event when a call did it (`ctx`), and `onStateChange` either way. */
  move(key: string, c: Circuit, to: CircuitState, ctx?: CallContext, failure?: Classification): void {
    const from = c.move(to);
    if (to === 'closed') {
      c.lastFailure = undefined;
      this.count(ctx, () => c.counter.closed());
    }
    const retryAfterMs =
      to === 'open' ? Math.max(0, c.reopenAt - (ctx?.clock ?? this.#o.clock).now()) : undefined;
    ctx?.emit({
      type: 'breaker.state-changed',
      source: this.#o.name,
      from,
      to,
      retryAfterMs,
      category: failure?.category,
      reason: failure?.reason,
      status: failure?.status,
      code: failure?.code,
      requestId: failure?.requestId,
    });
    const { onStateChange } = this.#o;
    if (onStateChange) {
      runObserver(() => onStateChange({ key, from, to, retryAfterMs, cause: ctx ? 'call' : 'manual' }));
    }
  }

  /** Opens `c` after `failure`: for `halfOpenAfterMs`, or as long as its retry-after asks, up to `maxOpenMs`. */
  open(key: string, c: Circuit, ctx: CallContext, error: unknown, failure: Classification): void {
    const o = this.#o;
    const now = ctx.clock.now();
    c.lastFailure = error;
    c.reopenAt = now + Math.min(o.maxOpenMs, Math.max(o.halfOpenAfterMs, failure.retryAfterMs ?? 0));
    // Kept at least until it may probe, so an idle limit shorter than the wait does not close it.
    this.#map.expireAt(key, Math.max(c.reopenAt, now + o.idleMs));
    this.move(key, c, 'open', ctx, failure);
  }

  isolate(key: string): void {
    const c = this.get(key, this.#o.clock.now());
    if (c.state === 'isolated') return;
    c.unpin = this.#map.pin(key);
    this.move(key, c, 'isolated');
  }

  reset(key: string): void {
    const c = this.#map.peek(key, this.#o.clock.now());
    if (c === undefined) return;
    c.unpin?.();
    c.unpin = undefined;
    if (c.state !== 'closed') this.move(key, c, 'closed');
    else this.count(undefined, () => c.counter.closed());
  }

  stateOf(key: string): CircuitState {
    return this.#map.peek(key, this.#o.clock.now())?.state ?? 'closed';
  }

  snapshot(): BreakerSnapshot {
    const saved: BreakerSnapshot = { version: 1, circuits: {} };
    for (const [key, c] of this.#map.entries(this.#o.clock.now())) {
      const s = saveCircuit(c);
      if (s !== undefined) saved.circuits[key] = s;
    }
    return saved;
  }
}
