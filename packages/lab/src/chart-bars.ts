import { COLORS, H, W } from './chart-style.ts';
import type { Scales } from './charts.ts';
import { formatMs } from './format.ts';
import type { ClientResult } from './lab.ts';
import { attemptsHistogram } from './series.ts';
import { esc, frame, r1, svg } from './svg.ts';

interface Bar {
  label: string;
  /** `undefined`: nothing to draw (no failures, so no failure latency). */
  value: number | undefined;
  color: string;
  tip: string;
}

function bars(title: string, items: Bar[], f: ReturnType<typeof frame>) {
  const slot = (f.right - f.left) / items.length;
  const body = items
    .map((b, i) => {
      const x0 = r1(f.left + i * slot + slot * 0.15);
      const label = `<text x="${r1(x0 + slot * 0.35)}" y="${f.bottom + 12}" text-anchor="middle" font-size="9">${esc(b.label)}</text>`;
      if (b.value === undefined) return label;
      const top = Math.min(f.y(b.value), f.bottom - 1); // a zero still shows, as a stub
      return `<path class="mark" d="M${x0} ${f.bottom}V${top}H${r1(x0 + slot * 0.7)}V${f.bottom}Z" fill="${b.color}"><title>${esc(b.tip)}</title></path>${label}`;
    })
    .join('');
  return svg(W, H, title, f.axes + body);
}

/** How many calls needed 1, 2, 3, … requests. */
export function attemptsChart(r: ClientResult, s: Scales): string | undefined {
  const histogram = attemptsHistogram(r.run);
  if (!histogram) return undefined;
  const f = frame({ width: W, height: H, xMax: 1, yMax: s.attemptsMax, yLabel: 'calls', xTicks: false });
  const items = histogram.map((b) => ({
    label: b.label,
    value: b.count,
    color: b.label === '1' ? COLORS.ok : b.label === '0' ? COLORS.none : COLORS.s429,
    tip: `${b.count} calls sent ${b.label} request(s)`,
  }));
  return bars('requests per call', items, f);
}

/** p50, p90, p99 and max latency of successes and of failures, on a log scale. */
export function latencyChart(r: ClientResult, s: Scales): string {
  const f = frame({
    width: W,
    height: H,
    xMax: 1,
    yMax: s.latencyMax,
    yMin: 10,
    yFormat: (v) => formatMs(v),
    xTicks: false,
  });
  const items: Bar[] = [];
  for (const [which, p, color] of [
    ['successes', r.summary.latencyOk, COLORS.ok],
    ['failures', r.summary.latencyFailed, COLORS.failed],
  ] as const) {
    for (const k of ['p50', 'p90', 'p99', 'max'] as const) {
      const value = p?.[k];
      items.push({
        label: k,
        value,
        color,
        tip: `${which} ${k}: ${value === undefined ? 'none' : formatMs(value)}`,
      });
    }
  }
  return bars('latency percentiles (green: successes, red: failures)', items, f);
}
