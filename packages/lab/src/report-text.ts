import { COLUMNS, formatMs, markdownTable, tableRow, textTable } from './format.ts';
import type { LabResult, ScenarioResult } from './lab.ts';

/** Options of {@link formatTables}. */
export interface FormatTablesOptions {
  /** Markdown tables instead of aligned text. @default false */
  markdown?: boolean;
}

/** One line about a scenario: what ran, for how long, with how much traffic. */
export function scenarioLine(r: ScenarioResult, timeScale: number): string {
  const s = r.scenario;
  const calls = r.results[0]?.summary.calls ?? 0;
  return `${calls} calls in ${formatMs(s.durationMs)} of scenario time (${formatMs(r.wallMs)} real at ×${timeScale}), seed ${s.seed}`;
}

/** The table of one scenario. */
export function scenarioTable(r: ScenarioResult, markdown = false): string {
  const rows = r.results.map(({ run, summary }) => tableRow(run.client.label, summary));
  return markdown ? markdownTable(COLUMNS, rows) : textTable(COLUMNS, rows);
}

/**
 * Every scenario's table with its heading, as the demo prints them. Latencies are in scenario
 * time, over every call (failures included); `*` marks attempts the server counted, for a client
 * that does not pass `ctx.fetch` to its SDK.
 */
export function formatTables(result: LabResult, options: FormatTablesOptions = {}): string {
  const markdown = options.markdown === true;
  const parts: string[] = [];
  for (const r of result.scenarios) {
    const heading = `${r.scenario.name}: ${r.scenario.title}`;
    parts.push(markdown ? `### ${heading}` : heading);
    parts.push(markdown ? `${scenarioLine(r, result.timeScale)}.` : `  ${scenarioLine(r, result.timeScale)}`);
    parts.push(markdown ? `\n${scenarioTable(r, true)}\n` : `${scenarioTable(r)}\n`);
  }
  const counted = result.scenarios.some((r) => r.results.some((c) => c.summary.attemptsSource === 'server'));
  parts.push(
    `Latency p50/p99 over every call, failures included, in scenario time; 429s and 5xx as the chaos server counted them.${
      counted ? ' * attempts counted by the server (the client does not pass ctx.fetch).' : ''
    }`,
  );
  return `${parts.join('\n')}\n`;
}
