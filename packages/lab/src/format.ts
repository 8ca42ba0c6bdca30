import type { ClientSummary } from './summary.ts';

/** A duration in ms, short: `680 ms`, `6.3 s`, `42 s`, `3.0 min`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1_000)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** A percentage with one decimal: `97.5 %`. */
export function formatPct(pct: number): string {
  return `${pct.toFixed(1)} %`;
}

/** The most common failures, `label ×count`, the first `n` of them. */
export function formatFailures(summary: ClientSummary, n = 2): string {
  if (summary.failures.length === 0) return '–';
  const shown = summary.failures.slice(0, n).map((f) => `${f.label} ×${f.count}`);
  const rest = summary.failures.length - n;
  return rest > 0 ? `${shown.join(', ')}, +${rest} more` : shown.join(', ');
}

/** The columns of a scenario's table, one row per client. */
export const COLUMNS = [
  'client',
  'success',
  'attempts/call',
  '429s sent',
  '5xx sent',
  'p50',
  'p99',
  'most common failures',
] as const;

/** One client's row of the table. */
export function tableRow(label: string, s: ClientSummary): string[] {
  return [
    label,
    formatPct(s.successPct),
    `${s.attemptsPerCall.toFixed(2)}${s.attemptsSource === 'server' ? '*' : ''}`,
    String(s.server.status429),
    String(s.server.status5xx),
    formatMs(s.latency.p50),
    formatMs(s.latency.p99),
    formatFailures(s),
  ];
}

/** Text columns padded to their widest cell; numbers right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const right = header.map((_, i) => i > 0 && i < header.length - 1);
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A Markdown table (for docs and CI summaries). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string) => c.replaceAll('|', '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(esc).join(' | ')} |`;
  const align = header.map((_, i) => (i > 0 && i < header.length - 1 ? '---:' : '---'));
  return [line(header), `|${align.join('|')}|`, ...rows.map(line)].join('\n');
}
