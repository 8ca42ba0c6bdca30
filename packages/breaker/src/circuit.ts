import type { FailureCounter } from './failure-counter.ts';

/** Where a circuit stands. `isolated` is held open by hand until `reset(key)`. */
export type CircuitState = 'closed' | 'open' | 'half-open' | 'isolated';

/** One key's circuit. Plain data plus its counter; the breaker drives the transitions. */
export class Circuit {
  state: CircuitState = 'closed';
  /** Bumped on every transition, so a call admitted in an older state cannot move this one. */
  generation = 0;
  /** When an open circuit lets a probe through (clock ms). */
  reopenAt = 0;
  /** When the running probe started; a probe older than `halfOpenAfterMs` counts as lost. */
  probeStartedAt = 0;
  probing = false;
  /** The failure that opened the circuit, kept as the `cause` of refusals. */
  lastFailure: unknown;
  /** Releases the pin that keeps an isolated circuit in memory until `reset`. */
  unpin: (() => void) | undefined;
  readonly counter: FailureCounter;

  constructor(counter: FailureCounter) {
    this.counter = counter;
  }

  /** Moves to `to`; returns the state it left. */
  move(to: CircuitState): CircuitState {
    const from = this.state;
    this.state = to;
    this.generation++;
    this.probing = false;
    return from;
  }
}

/** A circuit in a {@link BreakerSnapshot}. Half-open is saved as open and due, so a restore probes first. */
export interface CircuitSnapshot {
  state: 'closed' | 'open' | 'isolated';
  /** For `open`: when a probe may go (clock ms). */
  reopenAt?: number;
  /** While closed: the policy's counting (a cockatiel breaker's own `state`). */
  counter?: unknown;
}

/** The serialisable state of a breaker, from `snapshot()`, for `initialState`. JSON-safe. */
export interface BreakerSnapshot {
  version: 1;
  circuits: Record<string, CircuitSnapshot>;
}

/** Saves a circuit, or `undefined` when it holds nothing worth saving (closed, no failures counted). */
export function saveCircuit(c: Circuit): CircuitSnapshot | undefined {
  switch (c.state) {
    case 'isolated':
      return { state: 'isolated' };
    case 'open':
      return { state: 'open', reopenAt: c.reopenAt };
    case 'half-open':
      return { state: 'open', reopenAt: c.probeStartedAt };
    case 'closed': {
      const counter = c.counter.save();
      return counter === undefined ? undefined : { state: 'closed', counter };
    }
  }
}

/** Restores a saved circuit (already validated) into `c`. */
export function restoreCircuit(c: Circuit, saved: CircuitSnapshot): void {
  if (saved.state === 'isolated') c.move('isolated');
  else if (saved.state === 'open') {
    c.move('open');
    c.reopenAt = saved.reopenAt as number;
  } else c.counter.restore(saved.counter);
}

/** Why `value` is not a snapshot entry, or `undefined` when it is one. */
export function snapshotProblem(value: unknown): string | undefined {
  const s = value as CircuitSnapshot | null;
  if (s === null || typeof s !== 'object') return 'an object';
  if (s.state === 'open')
    return Number.isFinite(s.reopenAt) ? undefined : 'an open circuit with a finite reopenAt';
  return s.state === 'closed' || s.state === 'isolated'
    ? undefined
    : 'a state of "closed", "open" or "isolated"';
}
