import { builtInClients, builtInScenarios, type LabResult, runLab } from '../src/index.ts';

/**
 * A report small enough for a test (about two seconds): two built-in scenarios, shortened, with
 * every built-in client, so every kind of chart has something to draw.
 */
export function smallRun(): Promise<LabResult> {
  return runLab({
    scenarios: builtInScenarios.filter((s) => s.name === 'storm' || s.name === 'outage'),
    clients: builtInClients,
    timeScale: 60,
    overrides: { durationMs: 45_000 },
  });
}

/** Charts a run's report must hold: per scenario, the success bars, four per client, and two more per client that reports events. */
export function expectedCharts(result: LabResult): number {
  return result.scenarios.reduce(
    (n, s) =>
      n + 1 + s.results.reduce((m, c) => m + 4 + (Object.keys(c.run.eventCounts).length > 0 ? 2 : 0), 0),
    0,
  );
}
