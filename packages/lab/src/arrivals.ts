import { mulberry32 } from '@unfazed/testing';
import type { ResolvedScenario } from './scenario.ts';

/** Requests per minute in force at `t` (ms since the load began). */
export function rateAt(load: ResolvedScenario['load'], t: number): number {
  let factor = 1;
  let since = Number.NEGATIVE_INFINITY;
  for (const phase of load.phases) {
    if (phase.atMs <= t && phase.atMs >= since) {
      factor = phase.factor;
      since = phase.atMs;
    }
  }
  return load.rpm * factor;
}

/**
 * When each request arrives, in ms of scenario time since the load began: an open-loop schedule,
 * fixed before the run, so no client's slowness changes when the next request comes. The run is cut
 * into segments at the phase boundaries; within one, Poisson arrivals draw exponential gaps
 * (seeded, and memoryless, so restarting at a boundary is exact) and uniform ones are evenly spaced.
 */
export function arrivalTimes(s: ResolvedScenario): number[] {
  const random = mulberry32(s.seed * 7919 + 17);
  const cuts = [0, ...s.load.phases.map((p) => p.atMs), s.durationMs]
    .filter((t) => t >= 0 && t <= s.durationMs)
    .sort((a, b) => a - b);
  const times: number[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i]!;
    const to = cuts[i + 1]!;
    const rpm = rateAt(s.load, from);
    if (!(rpm > 0) || to <= from) continue;
    const gap = 60_000 / rpm;
    if (s.load.arrivals === 'uniform') {
      for (let t = from; t < to; t += gap) times.push(t);
      continue;
    }
    // Exponential gaps: -ln(1 - u) × mean, with u uniform in [0, 1).
    const draw = () => -Math.log(1 - random()) * gap;
    for (let t = from + draw(); t < to; t += draw()) times.push(t);
  }
  return times;
}
