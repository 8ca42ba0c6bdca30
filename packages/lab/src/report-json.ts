import type { LabResult } from './lab.ts';

/**
 * The run as JSON, for CI and for diffing two runs: every figure, every call's outcome and the
 * server's counters. Numbers are as measured; `NaN` (an unknown) becomes `null`.
 */
export function reportJson(result: LabResult): string {
  return `${JSON.stringify(
    {
      ...result,
      scenarios: result.scenarios.map((s) => ({
        ...s,
        results: s.results.map(({ run, summary }) => ({ client: run.client, summary, run })),
      })),
    },
    (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  )}\n`;
}
