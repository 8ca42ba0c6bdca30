import { COLORS, H, W } from './chart-style.ts';
import { formatMs } from './format.ts';
import type { ClientResult } from './lab.ts';
import {
  attemptsHistogram,
  breakerSpans,
  limiterPoints,
  outcomeSeries,
  type Series,
  serverSeries,
} from './series.ts';
import { esc, frame, linePath, r1, svg } from './svg.ts';

/** The x range shared by a scenario's charts, and the y maxima shared by each row. */
export interface Scales {
  readonly binMs: number;
  readonly endMs: number;
  readonly outcomesMax: number;
  readonly serverMax: number;
  readonly attemptsMax: number;
  readonly latencyMax: number;
  readonly waitMax: number;
}

const seconds = (v: number) => `${v}s`;
const maxOf = (series: Series[]) => Math.max(0, ...series.flatMap((s) => s.map(([, v]) => v)));

/** Computes the shared scales of a scenario, so charts side by side can be compared at a glance. */
export function scalesFor(results: readonly ClientResult[], binMs: number, durationMs: number): Scales {
  const endMs = Math.max(durationMs, ...results.flatMap((r) => r.run.calls.map((c) => c.end)));
  const outcomes = results.flatMap((r) => Object.values(outcomeSeries(r.run, binMs, endMs)));
  const server = results.flatMap((r) => Object.values(serverSeries(r.run, binMs, endMs)));
  const attempts = results.flatMap((r) => attemptsHistogram(r.run)?.map((b) => b.count) ?? []);
  const waits = results.flatMap((r) => limiterPoints(r.run).queued.map(([, w]) => w));
  return {
    binMs,
    endMs,
    outcomesMax: maxOf(outcomes),
    serverMax: maxOf(server),
    attemptsMax: Math.max(1, ...attempts),
    latencyMax: Math.max(1_000, ...results.map((r) => r.summary.latency.max)),
    waitMax: Math.max(1_000, ...waits),
  };
}

function lines(
  title: string,
  series: { name: string; color: string; points: Series }[],
  yMax: number,
  s: Scales,
) {
  const f = frame({ width: W, height: H, xMax: s.endMs / 1000, yMax, xFormat: seconds, yLabel: '/s' });
  return svg(W, H, title, f.axes + series.map((x) => linePath(x.points, f, x.color, x.name)).join(''));
}

/** Successes and failures per second, by when the caller heard. */
export function outcomesChart(r: ClientResult, s: Scales): string {
  const { ok, failed } = outcomeSeries(r.run, s.binMs, s.endMs);
  return lines(
    'successes and failures per second',
    [
      { name: 'succeeded', color: COLORS.ok, points: ok },
      { name: 'failed', color: COLORS.failed, points: failed },
    ],
    s.outcomesMax,
    s,
  );
}

/** The server's answers per second: 2xx, 429, 5xx, none. */
export function serverChart(r: ClientResult, s: Scales): string {
  const x = serverSeries(r.run, s.binMs, s.endMs);
  return lines(
    'server answers per second',
    [
      { name: '2xx', color: COLORS.server2xx, points: x.ok },
      { name: '429', color: COLORS.s429, points: x.s429 },
      { name: '5xx', color: COLORS.s5xx, points: x.s5xx },
      { name: 'no answer (reset, hang)', color: COLORS.none, points: x.none },
    ],
    s.serverMax,
    s,
  );
}

/** The circuit's state over time: closed, open, half-open. */
export function breakerChart(r: ClientResult, s: Scales): string {
  const f = frame({
    width: W,
    height: 60,
    xMax: s.endMs / 1000,
    yMax: 1,
    xFormat: seconds,
    yFormat: () => '',
  });
  const body = breakerSpans(r.run, s.endMs)
    .map((span) => {
      const color = COLORS[span.state as keyof typeof COLORS] ?? COLORS.isolated;
      const x0 = f.x(span.from / 1000);
      const width = Math.max(0.5, r1(f.x(span.to / 1000) - x0));
      return `<rect class="mark" data-state="${esc(span.state)}" x="${x0}" y="${f.top}" width="${width}" height="${r1(f.bottom - f.top)}" fill="${color}"><title>${esc(`${span.state} from ${formatMs(span.from)} to ${formatMs(span.to)}`)}</title></rect>`;
    })
    .join('');
  return svg(W, 60, 'breaker state over time', f.axes + body);
}

/** The limiter's expected waits over time, its refusals (top ticks) and the cooldowns a 429 started (bottom ticks). */
export function limiterChart(r: ClientResult, s: Scales): string {
  const f = frame({
    width: W,
    height: H,
    xMax: s.endMs / 1000,
    yMax: s.waitMax,
    xFormat: seconds,
    yFormat: (v) => formatMs(v),
    yLabel: 'wait',
  });
  const { queued, rejected, cooldowns } = limiterPoints(r.run);
  const dots = queued
    .map(
      ([t, w]) => `<circle class="mark" cx="${f.x(t / 1000)}" cy="${f.y(w)}" r="1.6" fill="${COLORS.wait}"/>`,
    )
    .join('');
  const tick = (t: number, y0: number, y1: number, color: string) =>
    `<path class="mark" d="M${f.x(t / 1000)} ${y0}V${y1}" stroke="${color}" stroke-width="1"/>`;
  const refusals = rejected.map((t) => tick(t, f.top, f.top + 6, COLORS.failed)).join('');
  const cools = cooldowns.map(([t]) => tick(t, f.bottom, f.bottom - 6, COLORS.s429)).join('');
  // With nothing to show, the baseline itself says "no waits".
  const base =
    queued.length + rejected.length + cooldowns.length === 0
      ? linePath(
          [
            [0, 0],
            [s.endMs / 1000, 0],
          ],
          f,
          COLORS.wait,
          'no waits',
        )
      : '';
  return svg(W, H, 'limiter waits over time', f.axes + dots + refusals + cools + base);
}
