import type { ChaosServerOptions, FaultWindow } from '@unfazed/testing';
import type { ScaledClock } from './scaled-clock.ts';
import type { ResolvedScenario } from './scenario.ts';

/** What a run may change in a scenario (the CLI's `--duration`, `--rate` and `--seed`). */
export interface ScenarioOverrides {
  /** Stretches or shrinks the scenario to this length, keeping its shape (phases, faults, changes). */
  durationMs?: number;
  /** Replaces `load.rpm`; phases stay multiples of it. */
  rpm?: number;
  seed?: number;
}

function stretchFaults(faults: readonly FaultWindow[] | undefined, ratio: number): FaultWindow[] | undefined {
  return faults?.map((f) => ({
    ...f,
    ...(f.from === undefined ? {} : { from: f.from * ratio }),
    ...(f.to === undefined || f.to === Number.POSITIVE_INFINITY ? {} : { to: f.to * ratio }),
  }));
}

/** The scenario with the overrides applied: a longer run keeps the same story, slower. */
export function tuneScenario(s: ResolvedScenario, o: ScenarioOverrides = {}): ResolvedScenario {
  const ratio = o.durationMs === undefined ? 1 : o.durationMs / s.durationMs;
  const faults = stretchFaults(s.server.faults, ratio);
  return {
    ...s,
    seed: o.seed ?? s.seed,
    durationMs: s.durationMs * ratio,
    load: {
      ...s.load,
      rpm: o.rpm ?? s.load.rpm,
      phases: s.load.phases.map((p) => ({ ...p, atMs: p.atMs * ratio })),
    },
    server: { ...s.server, ...(faults ? { faults } : {}) },
    changes: s.changes.map((c) => ({
      ...c,
      atMs: c.atMs * ratio,
      ...(c.faults ? { faults: stretchFaults(c.faults, ratio) } : {}),
    })),
  };
}

/** Real-time delays of a fault schedule given in scenario time (a `slow` fault's `delayMs`). */
export function realFaults(faults: readonly FaultWindow[] | undefined, clock: ScaledClock): FaultWindow[] {
  return (faults ?? []).map((f) => (f.kind === 'slow' ? { ...f, delayMs: clock.toReal(f.delayMs) } : f));
}

/** The chaos server's options for one run: scenario time turned into what the server expects. */
export function serverOptions(
  s: ResolvedScenario,
  clock: ScaledClock,
  statsIntervalMs: number,
): ChaosServerOptions {
  const { latencyMs, chunkDelayMs, faults, ...rest } = s.server;
  return {
    ...rest,
    // Sockets are real: the server's own delays run on real time, so they are compressed here.
    latencyMs: clock.toReal(latencyMs ?? 0),
    chunkDelayMs: clock.toReal(chunkDelayMs ?? 0),
    faults: realFaults(faults, clock),
    seed: s.seed,
    now: () => clock.now(),
    statsIntervalMs,
    maxLogEntries: 1_000_000,
  };
}
