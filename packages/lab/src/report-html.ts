import { attemptsChart, latencyChart } from './chart-bars.ts';
import { COLORS } from './chart-style.ts';
import { breakerChart, limiterChart, outcomesChart, type Scales, scalesFor, serverChart } from './charts.ts';
import { COLUMNS, formatMs, formatPct, tableRow } from './format.ts';
import type { ClientResult, LabResult, ScenarioResult } from './lab.ts';
import { REPORT_CSS } from './report-style.ts';
import { scenarioLine } from './report-text.ts';
import { reportsEvents } from './series.ts';
import { esc, legend, r1, svg } from './svg.ts';

interface ChartKind {
  readonly id: string;
  readonly title: string;
  readonly draw: (r: ClientResult, s: Scales) => string | undefined;
  /** Drawn only for clients that report resilience events. */
  readonly needsEvents?: boolean;
  readonly legend?: { name: string; color: string }[];
}

const KINDS: readonly ChartKind[] = [
  {
    id: 'outcomes',
    title: 'Successes and failures per second (what callers heard)',
    draw: outcomesChart,
    legend: [
      { name: 'succeeded', color: COLORS.ok },
      { name: 'failed', color: COLORS.failed },
    ],
  },
  {
    id: 'server',
    title: 'What the server answered, per second',
    draw: serverChart,
    legend: [
      { name: '2xx', color: COLORS.server2xx },
      { name: '429', color: COLORS.s429 },
      { name: '5xx', color: COLORS.s5xx },
      { name: 'no answer (reset, hang)', color: COLORS.none },
    ],
  },
  { id: 'attempts', title: 'Requests sent per call', draw: attemptsChart },
  {
    id: 'latency',
    title: 'Latency percentiles (p50, p90, p99, max), log scale',
    draw: latencyChart,
    legend: [
      { name: 'successes', color: COLORS.ok },
      { name: 'failures', color: COLORS.failed },
    ],
  },
  {
    id: 'breaker',
    title: 'Circuit breaker state',
    draw: breakerChart,
    needsEvents: true,
    legend: [
      { name: 'closed', color: COLORS.closed },
      { name: 'open', color: COLORS.open },
      { name: 'half-open', color: COLORS['half-open'] },
    ],
  },
  {
    id: 'limiter',
    title: 'Rate limiter: expected waits, refusals (top), 429 cooldowns (bottom)',
    draw: limiterChart,
    needsEvents: true,
    legend: [
      { name: 'wait', color: COLORS.wait },
      { name: 'refused', color: COLORS.failed },
      { name: 'cooldown', color: COLORS.s429 },
    ],
  },
];

function successChart(r: ScenarioResult): string {
  const rowH = 22;
  const width = 560;
  const height = r.results.length * rowH + 6;
  const left = 170;
  const body = r.results
    .map(({ run, summary }, i) => {
      const y = 3 + i * rowH;
      const w = Math.max(1, r1(((width - left - 60) * summary.successPct) / 100));
      return `<text x="${left - 6}" y="${y + 14}" text-anchor="end" font-size="12">${esc(run.client.label)}</text><rect class="mark" x="${left}" y="${y + 3}" width="${w}" height="${rowH - 7}" fill="${COLORS.ok}"><title>${esc(`${run.client.label}: ${formatPct(summary.successPct)}`)}</title></rect><text x="${left + w + 5}" y="${y + 14}" font-size="12">${formatPct(summary.successPct)}</text>`;
    })
    .join('');
  return svg(width, height, 'success rate per client', body);
}

function chartId(scenario: string, client: string, kind: string): string {
  return `chart-${scenario}-${client}-${kind}`;
}

function figure(scenario: string, client: string, kind: string, caption: string, body: string): string {
  return `<figure class="chart" id="${esc(chartId(scenario, client, kind))}" data-chart="${esc(kind)}" data-scenario="${esc(scenario)}" data-client="${esc(client)}"><figcaption>${esc(caption)}</figcaption>${body}</figure>`;
}

function table(r: ScenarioResult): string {
  const head = COLUMNS.map((c) => `<th>${esc(c)}</th>`).join('');
  const rows = r.results
    .map(
      ({ run, summary }) =>
        `<tr>${tableRow(run.client.label, summary)
          .map((c) => `<td>${esc(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  return `<table class="figures" data-scenario="${esc(r.scenario.name)}"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function scenarioSection(r: ScenarioResult, timeScale: number): string {
  const name = r.scenario.name;
  const scales = scalesFor(r.results, r.binMs, r.scenario.durationMs);
  const rows = KINDS.map((kind) => {
    const cells = r.results.map((c) => {
      const missing = kind.needsEvents && !reportsEvents(c.run);
      const drawn = missing ? undefined : kind.draw(c, scales);
      if (drawn === undefined) {
        const why = missing
          ? ': no resilience events reported (ctx.onEvent unused)'
          : ': attempts not counted per call (ctx.fetch unused)';
        return `<div class="no-chart" data-chart="${kind.id}" data-client="${esc(c.run.client.id)}">${esc(c.run.client.label)}${why}</div>`;
      }
      return figure(name, c.run.client.id, kind.id, c.run.client.label, drawn);
    });
    return `<div class="row" data-kind="${kind.id}"><h3>${esc(kind.title)}</h3>${kind.legend ? legend(kind.legend) : ''}<div class="cells">${cells.join('')}</div></div>`;
  }).join('');
  return `<section class="scenario" id="scenario-${esc(name)}" data-scenario="${esc(name)}">
<h2>${esc(name)}: ${esc(r.scenario.title)}</h2>
<p class="description">${esc(r.scenario.description)}</p>
<p class="meta">${esc(scenarioLine(r, timeScale))}; event-loop delay p99 ${r1(r.loopDelay.p99)} ms real (${formatMs(r.loopDelay.p99 * timeScale)} of scenario time).</p>
${table(r)}
${figure(name, 'all', 'success', 'success rate', successChart(r))}
${rows}
</section>`;
}

/**
 * The HTML report of a lab run: one self-contained file (inline CSS, inline SVG charts, no script
 * and nothing fetched when it is opened), readable offline and attachable to a CI run. Every chart
 * is a `figure.chart` with `data-chart`, `data-scenario` and `data-client` (and an id
 * `chart-<scenario>-<client>-<kind>`), so tests and people can find it.
 */
export function renderReport(result: LabResult): string {
  const clients = result.scenarios[0]?.results.map((c) => c.run.client) ?? [];
  const nav = result.scenarios
    .map((r) => `<a href="#scenario-${esc(r.scenario.name)}">${esc(r.scenario.name)}</a>`)
    .join(' · ');
  const m = result.machine;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Unfazed lab report</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>Unfazed lab report</h1>
<p class="meta">Run ${esc(result.startedAt)} · ${esc(formatMs(result.wallMs))} real · time compressed ×${result.timeScale} (a minute of scenario time in ${esc(formatMs(60_000 / result.timeScale))}) · ${m.cpus} × ${esc(m.cpu)} · Node ${esc(m.node)} · ${esc(m.platform)}</p>
<p>Every client met the same open-loop traffic and the same seeded faults, each against its own chaos server on the same compressed clock. Latencies are in scenario time and count every call, failures included.</p>
<dl class="clients">${clients.map((c) => `<dt>${esc(c.label)}</dt><dd>${esc(c.description)}</dd>`).join('')}</dl>
<nav>${nav}</nav>
</header>
<main>
${result.scenarios.map((r) => scenarioSection(r, result.timeScale)).join('\n')}
</main>
</body>
</html>
`;
}
