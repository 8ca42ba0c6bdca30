import type { ClientRun } from './run-client.ts';

/** A time series: `[seconds of scenario time, value]` at the middle of each bin. */
export type Series = [number, number][];

/** Per-second rates of `times` (ms) in bins of `binMs`, from 0 to `endMs`. */
export function ratePerSecond(times: readonly number[], binMs: number, endMs: number): Series {
  const bins = Math.max(1, Math.ceil(endMs / binMs));
  const counts = new Array<number>(bins).fill(0);
  for (const t of times) counts[Math.min(bins - 1, Math.max(0, Math.floor(t / binMs)))]! += 1;
  return counts.map((n, i) => [((i + 0.5) * binMs) / 1000, n / (binMs / 1000)]);
}

/** Successes and failures per second, by when callers heard the outcome. */
export function outcomeSeries(run: ClientRun, binMs: number, endMs: number): { ok: Series; failed: Series } {
  const ends = (ok: boolean) => run.calls.filter((c) => c.ok === ok).map((c) => c.end);
  return { ok: ratePerSecond(ends(true), binMs, endMs), failed: ratePerSecond(ends(false), binMs, endMs) };
}

/** What the server answered per second, from its own timeline: 2xx, 429, 5xx, and no answer (resets, hangs). */
export function serverSeries(run: ClientRun, binMs: number, endMs: number) {
  const bins = Math.max(1, Math.ceil(endMs / binMs));
  const out = { ok: [] as Series, s429: [] as Series, s5xx: [] as Series, none: [] as Series };
  for (let i = 0; i < bins; i++) {
    const b = run.server.timeline[i];
    const mid = ((i + 0.5) * binMs) / 1000;
    let ok = 0;
    let s5xx = 0;
    for (const [status, n] of Object.entries(b?.byStatus ?? {})) {
      const code = Number(status);
      if (code >= 200 && code < 300) ok += n;
      if (code >= 500) s5xx += n;
    }
    const none = (b?.byFault.reset ?? 0) + (b?.byFault.hang ?? 0);
    const perSec = (n: number) => n / (binMs / 1000);
    out.ok.push([mid, perSec(ok)]);
    out.s429.push([mid, perSec(b?.byStatus[429] ?? 0)]);
    out.s5xx.push([mid, perSec(s5xx)]);
    out.none.push([mid, perSec(none)]);
  }
  return out;
}

/** How many calls sent 0, 1, 2, 3, 4 and 5+ requests, or `undefined` when attempts were not counted per call. */
export function attemptsHistogram(run: ClientRun): { label: string; count: number }[] | undefined {
  if (!run.attemptsCounted) return undefined;
  const labels = ['0', '1', '2', '3', '4', '5+'];
  const counts = labels.map(() => 0);
  for (const c of run.calls) counts[Math.min(5, c.attempts)]! += 1;
  return labels.map((label, i) => ({ label, count: counts[i]! }));
}

/** A circuit state over an interval of scenario ms. */
export interface StateSpan {
  from: number;
  to: number;
  state: string;
}

/** The breaker's state over time, from its `breaker.state-changed` events (closed until the first). */
export function breakerSpans(run: ClientRun, endMs: number): StateSpan[] {
  const spans: StateSpan[] = [];
  let state = 'closed';
  let from = 0;
  for (const e of run.events) {
    if (e.type !== 'breaker.state-changed' || typeof e.to !== 'string') continue;
    const t = Math.min(Math.max(e.t, 0), endMs);
    if (t > from) spans.push({ from, to: t, state });
    state = e.to;
    from = t;
  }
  spans.push({ from, to: Math.max(from, endMs), state });
  return spans;
}

/** The limiter's waits (`rate-limit.queued`), refusals (`rate-limit.rejected`) and cooldowns over time. */
export function limiterPoints(run: ClientRun) {
  const queued: [number, number][] = [];
  const rejected: number[] = [];
  const cooldowns: [number, number][] = [];
  for (const e of run.events) {
    if (e.type === 'rate-limit.queued' && typeof e.waitMs === 'number') queued.push([e.t, e.waitMs]);
    else if (e.type === 'rate-limit.rejected') rejected.push(e.t);
    else if (e.type === 'rate-limit.cooldown-started') cooldowns.push([e.t, 0]);
  }
  return { queued, rejected, cooldowns };
}

/** Whether a client reported any event at all (so its breaker and limiter charts mean something). */
export function reportsEvents(run: ClientRun): boolean {
  return Object.keys(run.eventCounts).length > 0;
}
