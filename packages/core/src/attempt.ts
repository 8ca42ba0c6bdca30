import type { CallContext } from './context.ts';

const GATES = Symbol('unfazed.gates');
const WATCHERS = Symbol('unfazed.watchers');

/** How an attempt's call ended. */
export type AttemptOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

/** Sees an attempt at the innermost point: as it leaves, and as its call settles. */
export interface AttemptWatcher {
  /** The attempt passed every gate and its call is starting now. */
  sent?(ctx: CallContext): void;
  /**
   * Its call settled. Runs before any middleware sees the outcome, so a policy outside (the
   * breaker) can act on it before one inside (a bulkhead handing its slot on) lets the next call go.
   */
  settled?(ctx: CallContext, outcome: AttemptOutcome): void;
}

function slot<T>(ctx: CallContext, key: symbol): Map<symbol, T> {
  let map = ctx.meta.get(key) as Map<symbol, T> | undefined;
  if (map === undefined) {
    map = new Map();
    ctx.meta.set(key, map);
  }
  return map;
}

/**
 * Sets (or, with `undefined`, clears) a check that the attempt must pass right before it leaves the
 * pipeline, after every wait inside it. A policy that admitted an attempt earlier uses it to take
 * that back: the breaker refuses an attempt that waited in the limiter's queue while its circuit
 * opened. `owner` is the policy's own symbol; a check throws the error that refuses the attempt.
 *
 * @example
 * setGate(ctx, OWNER, () => { if (circuit.isOpen) throw new CircuitOpenError(...); });
 */
export function setGate(ctx: CallContext, owner: symbol, check: (() => void) | undefined): void {
  if (check === undefined) (ctx.meta.get(GATES) as Map<symbol, () => void> | undefined)?.delete(owner);
  else slot<() => void>(ctx, GATES).set(owner, check);
}

/** Sets (or clears) what `owner` watches of the call's attempts; see {@link AttemptWatcher}. */
export function watchAttempt(ctx: CallContext, owner: symbol, watcher: AttemptWatcher | undefined): void {
  if (watcher === undefined)
    (ctx.meta.get(WATCHERS) as Map<symbol, AttemptWatcher> | undefined)?.delete(owner);
  else slot<AttemptWatcher>(ctx, WATCHERS).set(owner, watcher);
}

/**
 * Sends the attempt: every gate first (what one throws refuses it), then the call, with the
 * watchers told as it leaves and as it settles. A watcher that throws is ignored. The pipeline
 * calls this for the call given to `execute`.
 */
export function sendAttempt<T>(ctx: CallContext, call: (ctx: CallContext) => Promise<T>): Promise<T> {
  const gates = ctx.meta.get(GATES) as Map<symbol, () => void> | undefined;
  if (gates !== undefined) for (const check of gates.values()) check();
  const watchers = ctx.meta.get(WATCHERS) as Map<symbol, AttemptWatcher> | undefined;
  if (watchers === undefined || watchers.size === 0) return call(ctx);
  const seen = [...watchers.values()];
  const tell = (outcome: AttemptOutcome) => {
    for (const w of seen) {
      try {
        w.settled?.(ctx, outcome);
      } catch {
        // Watching an attempt must never change it.
      }
    }
  };
  for (const w of seen) {
    try {
      w.sent?.(ctx);
    } catch {
      // As above.
    }
  }
  let pending: Promise<T>;
  try {
    pending = call(ctx);
  } catch (error) {
    pending = Promise.reject(error);
  }
  return pending.then(
    (value) => {
      tell({ ok: true, value });
      return value;
    },
    (error: unknown) => {
      tell({ ok: false, error });
      throw error;
    },
  );
}

const ONCE = Symbol('unfazed.once');

/**
 * Says the call can be sent only once (its body is a stream that cannot be read twice, a form
 * upload): `retry()` then never sends it again, whatever the failure.
 */
export function markNotReplayable(ctx: CallContext): void {
  ctx.meta.set(ONCE, true);
}

/** Whether the call may be sent again (see {@link markNotReplayable}). */
export function isReplayable(ctx: CallContext): boolean {
  return ctx.meta.get(ONCE) !== true;
}
