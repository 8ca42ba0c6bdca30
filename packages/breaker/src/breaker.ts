import type { Classification } from '@unfazed/classify';
import {
  type CallContext,
  type Clock,
  defineMiddleware,
  KeyedMap,
  type Middleware,
  type Next,
  ResilienceError,
  realClock,
} from '@unfazed/core';
import {
  type BreakerOptions,
  type ResolvedBreakerOptions,
  resolveBreakerOptions,
} from './breaker-options.ts';
import { type BreakerSnapshot, Circuit, type CircuitState, restoreCircuit, saveCircuit } from './circuit.ts';
import { CircuitOpenError } from './errors.ts';
import { classifyFailure, defaultIsFailure } from './failure.ts';

/** A `breaker()` middleware, with manual controls and a serialisable snapshot. */
export interface BreakerMiddleware extends Middleware {
  /** Holds `key`'s circuit open (every call refused) until `reset(key)`. */
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
 * A circuit breaker per key (by default `ctx.key`, e.g. one per model): after 5 consecutive
 * `transient`/`network` failures the circuit opens and calls fail at once with a
 * `CircuitOpenError`; after `halfOpenAfterMs` one probe call goes through (the others still fail
 * fast, they do not queue behind it); its success closes the circuit, its failure reopens it.
 * Client errors never count; 429 rate limits do not unless `countRateLimits`.
 *
 * @example
 * const circuit = breaker({ halfOpenAfterMs: 30_000 });
 * const p = pipeline(retry(), circuit, timeout({ ms: 30_000 }));
 * await p.execute(({ signal }) => client.chat.completions.create(body, { signal }), { key: body.model });
 * circuit.stateOf('gpt-4o'); // 'closed' | 'open' | 'half-open' | 'isolated'
 */
export function breaker(options: BreakerOptions = {}): BreakerMiddleware {
  const o = resolveBreakerOptions(options);
  let lastClock: Clock = realClock;
  const circuits = new KeyedMap<Circuit>({
    maxKeys: o.maxKeys,
    idleMs: o.idleMs,
    create: () => new Circuit(o.newCounter()),
    // Forgetting a circuit closes it; never forget one that is refusing calls for a reason.
    canEvict: (c, now) => c.state === 'closed' || (c.state !== 'isolated' && now >= c.reopenAt && !c.probing),
  });
  if (o.initialState) {
    const now = realClock.now();
    for (const [key, saved] of Object.entries(o.initialState.circuits)) {
      const c = new Circuit(o.newCounter());
      restoreCircuit(c, saved);
      circuits.set(key, c, now);
    }
  }

  const move = (key: string, c: Circuit, to: CircuitState, ctx?: CallContext, failure?: Classification) => {
    const from = c.move(to);
    if (to === 'closed' || to === 'open') c.counter.reset();
    if (to === 'closed') c.lastFailure = undefined;
    const retryAfterMs =
      to === 'open' ? Math.max(0, c.reopenAt - (ctx ?? { clock: lastClock }).clock.now()) : undefined;
    ctx?.emit({
      type: 'breaker.state',
      source: 'breaker',
      from,
      to,
      breakerKey: key,
      retryAfterMs,
      category: failure?.category,
      errorReason: failure?.reason,
      status: failure?.status,
    });
    try {
      o.onStateChange?.({ key, from, to, retryAfterMs, cause: ctx ? 'call' : 'manual' });
    } catch {
      // Observing a breaker must never break a call.
    }
  };

  const mw = defineMiddleware('breaker', async function breaker<
    T,
  >(ctx: CallContext, next: Next<T>): Promise<T> {
    const clock = ctx.clock;
    lastClock = clock;
    const key = o.keyBy === undefined ? ctx.key : o.keyBy(ctx);
    const now = clock.now();
    const c = circuits.get(key, now);
    const probe = c.state !== 'closed' && admit(o, c, key, now, ctx, move);
    const generation = c.generation;
    let result: T;
    try {
      result = await next(ctx);
    } catch (error) {
      if (c.generation === generation) settleFailure(o, c, key, probe, error, ctx, move);
      throw error;
    }
    if (c.generation === generation) {
      if (probe) move(key, c, 'closed', ctx);
      else c.counter.success(now);
    }
    return result;
  }) as BreakerMiddleware;

  return Object.defineProperties(mw, {
    isolate: {
      value: (key: string) => {
        const c = circuits.get(key, lastClock.now());
        if (c.state !== 'isolated') move(key, c, 'isolated');
      },
    },
    reset: {
      value: (key: string) => {
        const c = circuits.peek(key);
        if (c !== undefined && c.state !== 'closed') move(key, c, 'closed');
        else c?.counter.reset();
      },
    },
    stateOf: { value: (key: string) => circuits.peek(key)?.state ?? 'closed' },
    snapshot: {
      value: (): BreakerSnapshot => {
        const saved: BreakerSnapshot = { version: 1, circuits: {} };
        for (const [key, c] of circuits.entries()) {
          const s = saveCircuit(c);
          if (s !== undefined) saved.circuits[key] = s;
        }
        return saved;
      },
    },
    size: { get: () => circuits.size },
  });
}

type Move = (key: string, c: Circuit, to: CircuitState, ctx?: CallContext, failure?: Classification) => void;

// A call met a circuit that is not closed: refuse it, or let it through as the one probe.
function admit(
  o: ResolvedBreakerOptions,
  c: Circuit,
  key: string,
  now: number,
  ctx: CallContext,
  move: Move,
): boolean {
  const cause = c.lastFailure === undefined ? undefined : { cause: c.lastFailure };
  if (c.state === 'isolated') throw new CircuitOpenError(key, 'isolated', undefined, cause);
  if (c.state === 'open') {
    if (now < c.reopenAt) throw new CircuitOpenError(key, 'open', c.reopenAt - now, cause);
    move(key, c, 'half-open', ctx);
  } else if (c.probing) {
    const probeDueAt = c.probeStartedAt + o.halfOpenAfterMs;
    if (now < probeDueAt) throw new CircuitOpenError(key, 'half-open', probeDueAt - now, cause);
    c.generation++; // the earlier probe is lost; its late answer must not decide
  }
  c.probing = true;
  c.probeStartedAt = now;
  return true;
}

function settleFailure(
  o: ResolvedBreakerOptions,
  c: Circuit,
  key: string,
  probe: boolean,
  error: unknown,
  ctx: CallContext,
  move: Move,
): void {
  if (ctx.signal.aborted) {
    // The caller gave up (or its deadline passed): that says nothing about the service.
    if (probe) c.probing = false;
    return;
  }
  const now = ctx.clock.now();
  const classification = classifyFailure(error, o.classify, now);
  let failed: boolean;
  try {
    failed = o.isFailure
      ? o.isFailure({ error, classification, ctx })
      : defaultIsFailure(classification, o.countRateLimits);
  } catch {
    failed = false;
  }
  if (failed && (probe || c.counter.failure(now))) {
    const openMs = Math.min(o.maxOpenMs, Math.max(o.halfOpenAfterMs, classification.retryAfterMs ?? 0));
    c.lastFailure = error;
    c.reopenAt = now + openMs;
    move(key, c, 'open', ctx, classification);
  } else if (probe) {
    // The probe did not reach the service (cancelled, or refused inside the pipeline): let the next
    // call probe. Any other answer (a client error, a rate limit) shows the service is up.
    if (classification.category === 'cancelled' || ResilienceError.is(error)) c.probing = false;
    else move(key, c, 'closed', ctx);
  }
}
