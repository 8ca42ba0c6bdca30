/**
 * The arithmetic of one bucket dimension (requests or tokens), shared by the in-memory store and
 * mirrored line for line by the Redis script (./lua.ts). docs/estimation.md has the model and proofs.
 *
 * A dimension with `limit` per window holds at most `capacity` and refills continuously at
 * `ratePerMs`. Two specs use it:
 * - configured (no server headers): `capacity = limit × burst`, refilling `(limit − capacity)` per
 *   window, so that no window of `windowMs` ever admits more than `limit`;
 * - learned from the server's `x-ratelimit-*` headers: the server's own bucket, `capacity = limit`,
 *   refilling `limit` per the server's window. The server enforces its windows; we mirror its level.
 *
 * The level a call sees is `min(limit, level + rate × elapsed)`; it is admitted when that covers
 * its cost (capped at the limit) and leaves `min(capacity, seen) − cost`, below zero for a call
 * larger than the capacity. A call that may wait *reserves*: it is charged now as if admitted when
 * its cost will be there, and the state is stored as of that future time, so later callers, in
 * every process, line up behind it and know their whole wait at once.
 *
 * `admitted` counts every unit ever charged (a monotone counter). A call remembers its value right
 * after its own charge (its `mark`); when its answer reports the server's `remaining`, everything
 * charged since (`admitted − mark`) was sent after it and is not in that figure yet.
 */

/** One dimension's parameters. */
export interface DimensionSpec {
  /** Units (requests or tokens) per window. */
  readonly limit: number;
  /** Units usable at once. `capacity < limit` when configured, `= limit` when learned from the server. */
  readonly capacity: number;
  /** Refill per millisecond. */
  readonly ratePerMs: number;
}

/** What is stored for one dimension of one key. */
export interface DimensionState {
  level: number;
  /** Time the level is as of (store clock, ms); later than now after a reservation. */
  at: number;
  /** Units charged so far (monotone). */
  admitted: number;
  /** Send time of the call whose `remaining` header set the level last; older reports are stale. */
  reportedAt: number;
}

/** A fresh, full dimension. */
export function fullState(spec: DimensionSpec, now: number): DimensionState {
  return { level: spec.limit, at: now, admitted: 0, reportedAt: Number.NEGATIVE_INFINITY };
}

/** The level a call sees at `now` (lower than stored while a reservation dates the state after `now`). */
export function levelAt(state: DimensionState, spec: DimensionSpec, now: number): number {
  return Math.min(state.level + (now - state.at) * spec.ratePerMs, spec.limit);
}

/** Milliseconds until `level` covers `cost` (a cost above the limit counts as the limit); 0 when it already does. */
export function waitFor(level: number, cost: number, spec: DimensionSpec): number {
  const need = Math.min(cost, spec.limit);
  // Tolerate float rounding, so a caller that slept exactly the wait it was given is admitted.
  if (level + tolerance(need) >= need) return 0;
  return spec.ratePerMs > 0 ? (need - level) / spec.ratePerMs : Number.POSITIVE_INFINITY;
}

/** Rounding slack for comparing a refilled level with a cost (the Redis script uses the same). */
export function tolerance(need: number): number {
  return 1e-9 + need * 1e-12;
}

/** Charges `cost` to `state`, as of `at` (now plus the wait), given the level seen now. */
export function take(
  state: DimensionState,
  spec: DimensionSpec,
  seenNow: number,
  cost: number,
  now: number,
  at: number,
): void {
  const seenThen = Math.min(seenNow + (at - now) * spec.ratePerMs, spec.limit);
  state.level = Math.min(seenThen, spec.capacity) - cost;
  state.at = at;
  state.admitted += cost;
}

/**
 * Gives back `amount` (> 0) or charges it (< 0) at `now`. A refund never lifts the level above the
 * capacity (nor above what it already was, when idling raised it higher), so it cannot make a burst.
 */
export function adjust(state: DimensionState, spec: DimensionSpec, amount: number, now: number): void {
  if (amount === 0) return;
  // Levels are linear in time, so a state dated in the future (a reservation) is the same line as
  // of now: adjusting it there keeps every reservation where it was.
  const level = levelAt(state, spec, now);
  state.level = amount < 0 ? level + amount : Math.min(level + amount, Math.max(level, spec.capacity));
  state.at = now;
}

/**
 * Adopts the server's view: `remaining` was the server's level right after it counted the call
 * that left at `sentAt` and whose charge brought the counter to `mark`. Every unit charged after
 * that call (`admitted − mark`) may not have reached the server yet, so it is taken off. The
 * server also refilled since it measured, but when it measured (between `sentAt` and now) is not
 * known: no refill is credited, so the level is never above the server's (it may lag it by the
 * refill of one round trip, which the next answer corrects). A report older than the one already
 * applied is stale (a slow answer overtaken by faster ones) and changes nothing. Applied in both
 * directions: the server saying "you have more" raises the level too.
 */
export function report(
  state: DimensionState,
  spec: DimensionSpec,
  remaining: number,
  mark: number,
  sentAt: number,
  now: number,
): void {
  if (sentAt < state.reportedAt) return;
  state.level = Math.min(spec.limit, remaining) - Math.max(0, state.admitted - mark);
  state.at = now;
  state.reportedAt = sentAt;
}

/** Milliseconds from `now` until the dimension is full again (and its state can be forgotten). */
export function msUntilFull(state: DimensionState, spec: DimensionSpec, now: number): number {
  const level = levelAt(state, spec, now);
  if (level >= spec.limit) return 0;
  return spec.ratePerMs > 0 ? (spec.limit - level) / spec.ratePerMs : Number.POSITIVE_INFINITY;
}
