import { classifyFailure } from '@unfazed/classify/internal';
import { type CallContext, defineMiddleware, type Middleware, type Next } from '@unfazed/core';
import {
  optionError,
  runHook,
  setGate,
  showValue,
  throwIfAborted,
  watchAttempt,
} from '@unfazed/core/internal';
import { admitProbe, refusal } from './admission.ts';
import type { BreakerOptions } from './breaker-options.ts';
import { resolveBreakerOptions } from './breaker-options.ts';
import type { BreakerSnapshot, Circuit, CircuitState } from './circuit.ts';
import { CircuitMap } from './circuit-map.ts';
import { countsByDefault } from './failure.ts';

/** A `breaker()` middleware, with manual controls and a serialisable snapshot. */
export interface BreakerMiddleware extends Middleware {
  /** Holds `key`'s circuit open (every call refused, none evicted) until `reset(key)`. */
  isolate(key: string): void;
  /** Closes `key`'s circuit and forgets its failures. */
  reset(key: string): void;
  /** Where `key`'s circuit stands (`closed` for a key never seen). */
  stateOf(key: string): CircuitState;
  /** Every circuit that is not plain closed, JSON-safe; give it back as `initialState`. */
  snapshot(): BreakerSnapshot;
  /** Number of circuits held. */
  readonly size: number;
}

/**
 * A circuit breaker per key (`ctx.key`: one per model, say). It opens on an outage: by default
 * when the last 5 counted outcomes failed and at least half of the last 10 s did, so a 30 % error
 * rate at high traffic is left to retries while a dead service is refused after 5 failures at any
 * traffic. Open, it refuses calls at once with a `CircuitOpenError`, also calls it admitted earlier
 * that are still waiting inside the pipeline (a limiter's or bulkhead's queue). After
 * `halfOpenAfterMs` one probe goes; its success closes the circuit, its failure reopens it.
 *
 * @example
 * const circuit = breaker({ halfOpenAfterMs: 30_000 });
 * const p = pipeline(retry(), circuit, timeout({ ms: 30_000 }));
 * await p.execute(({ signal }) => client.chat.completions.create(body, { signal }), { key: body.model });
 * circuit.stateOf('gpt-4o'); // 'closed' | 'open' | 'half-open' | 'isolated'
 */
export function breaker(options?: BreakerOptions): BreakerMiddleware {
  const o = resolveBreakerOptions(options);
  const gate = Symbol(o.name);
  const circuits = new CircuitMap(o);

  // A failed attempt: count it or not, and open the circuit when the policy says so.
  const settle = (
    key: string,
    c: Circuit,
    generation: number,
    probe: boolean,
    error: unknown,
    ctx: CallContext,
  ) => {
    const freeProbe = () => {
      if (probe && c.generation === generation) c.probing = false;
    };
    // The caller gave up, or the attempt was refused inside the pipeline: the service said nothing.
    if (ctx.signal.aborted) return freeProbe();
    const failure = classifyFailure(ctx, o.name, error, o.classify);
    if (failure.category === 'rejected' || failure.category === 'cancelled') return freeProbe();
    const byDefault = countsByDefault(failure, o.countRateLimits);
    const decide = (failed: boolean) => {
      if (c.generation !== generation) return; // a stale answer never moves a circuit
      if (probe) {
        // The probe got an answer that is no outage (a client error, a 429): the service is up.
        if (!failed) return circuits.move(key, c, 'closed', ctx);
        circuits.count(ctx, () => c.counter.probeFailed());
        circuits.open(key, c, ctx, error, failure);
      } else if (failed && circuits.count(ctx, () => c.counter.failure(ctx.clock.now())))
        circuits.open(key, c, ctx, error, failure);
    };
    const { isFailure } = o;
    // A client error is the service answering: it never counts, whatever isFailure would say.
    if (isFailure === undefined || failure.category === 'client') return decide(byDefault);
    const checked = (verdict: unknown): boolean => {
      if (typeof verdict === 'boolean') return verdict;
      const text = `isFailure returned ${showValue(verdict)}, not true or false`;
      ctx.emit({ type: 'hook.failed', source: o.name, hook: 'isFailure', error: text });
      return byDefault;
    };
    const verdict = runHook(
      ctx,
      o.name,
      'isFailure',
      () => isFailure({ error, classification: failure, ctx }),
      byDefault,
    );
    if (!(verdict instanceof Promise)) return decide(checked(verdict));
    return verdict.then((v) => decide(checked(v)), freeProbe);
  };

  const mw = defineMiddleware(o.name, async function breaker<T>(ctx: CallContext, next: Next<T>): Promise<T> {
    throwIfAborted(ctx.signal);
    const { key } = ctx;
    const now = ctx.clock.now();
    const c = circuits.get(key, now);
    const probe = c.state !== 'closed';
    if (probe) admitProbe(key, c, now, o.halfOpenAfterMs, () => circuits.move(key, c, 'half-open', ctx));
    const generation = c.generation;
    // Pinned while the call runs, so its outcome lands on the circuit the next call meets.
    const unpin = circuits.pin(key);
    // Right before the attempt leaves (after any queue inside the pipeline): refused if the
    // circuit opened meanwhile. The one probe passes: its own admission is the current generation.
    setGate(ctx, gate, () => {
      if (c.generation !== generation && c.state !== 'closed')
        throw refusal(key, c, ctx.clock.now(), o.halfOpenAfterMs);
    });
    const succeeded = () => {
      if (c.generation !== generation) return;
      if (probe) circuits.move(key, c, 'closed', ctx);
      else circuits.count(ctx, () => c.counter.success(ctx.clock.now()));
    };
    // The outcome is taken where the call settles, before any middleware inside this one sees it:
    // a bulkhead handing its slot on, or a limiter reconciling with Redis, cannot let a queued
    // attempt leave before the failure that opens the circuit is counted.
    let outcome: 'none' | 'seen' = 'none';
    let pending: Promise<void> | undefined;
    watchAttempt(ctx, gate, {
      settled: (_attempt, result) => {
        outcome = 'seen';
        if (result.ok) succeeded();
        else pending = settle(key, c, generation, probe, result.error, ctx) ?? undefined;
      },
    });
    try {
      const result = await next(ctx);
      if (outcome === 'none') succeeded();
      return result;
    } catch (error) {
      // Failed before reaching the call (refused inside the pipeline), or after it (the call's
      // own failure, already counted above).
      if (outcome === 'none') pending = settle(key, c, generation, probe, error, ctx) ?? undefined;
      if (pending !== undefined) await pending;
      throw error;
    } finally {
      unpin();
      setGate(ctx, gate, undefined);
      watchAttempt(ctx, gate, undefined);
    }
  }) as BreakerMiddleware;

  const checkKey = (method: string, key: unknown): string => {
    if (typeof key === 'string' && key !== '') return key;
    throw optionError({ owner: `breaker.${method}`, path: 'key' }, 'a non-empty string', key);
  };

  return Object.defineProperties(mw, {
    isolate: { value: (key: string) => circuits.isolate(checkKey('isolate', key)) },
    reset: { value: (key: string) => circuits.reset(checkKey('reset', key)) },
    stateOf: { value: (key: string) => circuits.stateOf(key) },
    snapshot: { value: () => circuits.snapshot() },
    size: { get: () => circuits.size },
  });
}
