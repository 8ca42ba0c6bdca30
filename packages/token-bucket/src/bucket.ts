/**
 * The arithmetic of one bucket dimension (requests or tokens), shared by the in-memory store and
 * mirrored line for line by the Redis script (./lua.ts).
 *
 * A dimension with `limit` per window holds a *burst* of `capacity` (a fraction of the limit) and
 * refills continuously at `(limit - capacity) / windowMs`. The level a call sees is
 * `min(limit, level + rate * elapsed)`: it may grow past the burst up to the whole limit while no
 * one takes anything, but only a call costing more than the burst can use that extra. A call is
 * admitted when the level covers its cost (capped at the limit); afterwards the level is
 * `min(capacity, seen) - cost`, which goes below zero when the call was larger than the burst.
 *
 * Together these keep every window of `windowMs` at or under `limit`: the burst plus the refill of
 * one window is exactly the limit, and a call larger than the burst pays back what it took beyond
 * the burst before anyone else passes. docs/estimation.md has the proof sketch.
 *
 * A call that may wait can *reserve*: it is charged now as if admitted `wait` ms from now, and the
 * state is stored as of that future time. Levels are linear in time, so a state dated in the
 * future simply reads lower now; later callers queue behind the reservation, in every process.
 */

/** One dimension's parameters. */
export interface DimensionSpec {
  /** Units (requests or tokens) per window: never more in any window of that length. */
  readonly limit: number;
  /** Units usable at once (the burst). 0 < capacity < limit. */
  readonly capacity: number;
  /** Refill per millisecond: `(limit - capacity) / windowMs`. */
  readonly ratePerMs: number;
}

/** What is stored for one dimension of one key. */
export interface DimensionState {
  level: number;
  /** Time the level is as of (store clock, ms); later than now after a reservation. */
  at: number;
}

/**
 * The level a call sees at `now`: the stored level plus the refill since (less, when the state is
 * dated after `now` by a reservation), capped at the limit. A missing state is full.
 */
export function levelAt(state: DimensionState | undefined, spec: DimensionSpec, now: number): number {
  if (!state) return spec.limit;
  return Math.min(state.level + (now - state.at) * spec.ratePerMs, spec.limit);
}

/** Milliseconds until `level` covers `cost` (a cost above the limit counts as the limit); 0 when it already does. */
export function waitFor(level: number, cost: number, spec: DimensionSpec): number {
  const need = Math.min(cost, spec.limit);
  // Tolerate float rounding, so a caller that slept exactly the wait it was given is admitted.
  return level + tolerance(need) >= need ? 0 : (need - level) / spec.ratePerMs;
}

/** Rounding slack for comparing a refilled level with a cost (the Redis script uses the same). */
export function tolerance(need: number): number {
  return 1e-9 + need * 1e-12;
}

/** The level after admitting `cost` at a seen level of `level`. */
export function afterTake(level: number, cost: number, spec: DimensionSpec): number {
  return Math.min(level, spec.capacity) - cost;
}

/**
 * The level after giving back `amount` (a refund, > 0) or charging it (< 0). A refund never lifts
 * the level above the burst (nor above what it already was, when it was higher from idling).
 */
export function afterAdjust(level: number, amount: number, spec: DimensionSpec): number {
  if (amount <= 0) return level + amount;
  const ceiling = Math.max(level, spec.capacity);
  const raised = level + amount;
  return Math.min(raised, ceiling);
}

/** Milliseconds from a write of `level` until the dimension is full again (and its state can be forgotten). */
export function msUntilFull(level: number, spec: DimensionSpec): number {
  return level >= spec.limit ? 0 : (spec.limit - level) / spec.ratePerMs;
}
