import { cpus } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ClientEntry } from './client.ts';
import { type ClientProgress, type ClientRun, runClient } from './run-client.ts';
import { scaledClock } from './scaled-clock.ts';
import { type ResolvedScenario, readScenario, type Scenario } from './scenario.ts';
import { type ClientSummary, summarize } from './summary.ts';
import { type ScenarioOverrides, tuneScenario } from './tune.ts';

/** One client's run in one scenario, with its figures. */
export interface ClientResult {
  readonly run: ClientRun;
  readonly summary: ClientSummary;
}

/** Every client's run in one scenario. */
export interface ScenarioResult {
  readonly scenario: ResolvedScenario;
  /** Width of the charts' time bins, in scenario ms. */
  readonly binMs: number;
  readonly results: readonly ClientResult[];
  /** Real ms the scenario took, all its clients at once. */
  readonly wallMs: number;
  /**
   * How late the event loop ran timers during the scenario, in real ms: the noise floor of every
   * latency (multiply by the time scale for scenario ms).
   */
  readonly loopDelay: { readonly p99: number; readonly max: number };
}

/** What {@link runLab} returns, and what the JSON report holds. */
export interface LabResult {
  readonly startedAt: string;
  readonly wallMs: number;
  readonly timeScale: number;
  readonly machine: {
    readonly cpus: number;
    readonly cpu: string;
    readonly node: string;
    readonly platform: string;
  };
  readonly scenarios: readonly ScenarioResult[];
}

/**
 * The default compression: a rate-limit minute in 3 s. Fast enough for the whole demo in about two
 * minutes on 2 cores; slow enough that event-loop delays (a few real ms) stay small against the
 * server's 300 ms answers.
 */
export const DEFAULT_TIME_SCALE = 20;

/** Progress of a scenario: its clients so far. */
export interface ScenarioProgress {
  readonly scenario: string;
  readonly clients: readonly ClientProgress[];
  readonly finished: boolean;
}

/** Options of {@link runLab}. */
export interface LabOptions {
  readonly scenarios: readonly (Scenario | ResolvedScenario)[];
  readonly clients: readonly ClientEntry[];
  /** How many times faster than real time scenarios run. @default 20 (a minute in 3 s) */
  readonly timeScale?: number;
  /** Applied to every scenario (the CLI's `--duration`, `--rate`, `--seed`). */
  readonly overrides?: ScenarioOverrides;
  readonly onProgress?: (p: ScenarioProgress) => void;
}

/** A chart bin: about 45 per scenario, on a 1-2-5 step, at least a second. */
export function binFor(durationMs: number): number {
  const raw = Math.max(1_000, durationMs / 45);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * power >= raw)!;
  return step * power;
}

/**
 * Runs every scenario, one after another; in each, every client at once, each against its own
 * chaos server on the same compressed clock, so they meet the same traffic and the same faults.
 */
export async function runLab(o: LabOptions): Promise<LabResult> {
  if (o.clients.length === 0) throw new TypeError('runLab: clients must be a non-empty array');
  const ids = new Set<string>();
  for (const c of o.clients) {
    if (ids.has(c.id)) throw new TypeError(`runLab: two clients have the id ${JSON.stringify(c.id)}`);
    ids.add(c.id);
  }
  const timeScale = o.timeScale ?? DEFAULT_TIME_SCALE;
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const scenarios: ScenarioResult[] = [];
  for (const input of o.scenarios) {
    const scenario = tuneScenario(readScenario(input), o.overrides);
    const clock = scaledClock(timeScale);
    const binMs = binFor(scenario.durationMs);
    const progress = new Map<string, ClientProgress>(
      o.clients.map((c) => [c.id, { client: c.id, total: 0, done: 0, ok: 0 }]),
    );
    const tell = (finished: boolean) =>
      o.onProgress?.({ scenario: scenario.name, clients: [...progress.values()], finished });
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const t0 = performance.now();
    tell(false);
    const runs = await Promise.all(
      o.clients.map((entry) =>
        runClient(scenario, entry, {
          clock,
          binMs,
          onProgress: (p) => {
            progress.set(p.client, p);
            tell(false);
          },
        }).catch((err: unknown) => {
          throw new Error(
            `scenario ${scenario.name}, client ${entry.id}: ${(err as Error)?.message ?? err}`,
            {
              cause: err,
            },
          );
        }),
      ),
    );
    lag.disable();
    tell(true);
    scenarios.push({
      scenario,
      binMs,
      results: runs.map((run) => ({ run, summary: summarize(run) })),
      wallMs: performance.now() - t0,
      loopDelay: { p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
    });
  }
  const cpu = cpus();
  return {
    startedAt,
    wallMs: performance.now() - started,
    timeScale,
    machine: {
      cpus: cpu.length,
      cpu: cpu[0]?.model.trim() ?? 'unknown',
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    scenarios,
  };
}
