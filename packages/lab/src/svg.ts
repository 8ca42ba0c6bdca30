/** Small inline-SVG building blocks for the report: no library, no network, readable output. */

/** Escapes text for HTML and SVG. */
export function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** Rounds to one decimal, to keep the markup short. */
export const r1 = (n: number): number => Math.round(n * 10) / 10;

/** About `count` round tick values from 0 to at least `max` (1-2-5 steps). */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = 0; t < max + step * 0.999; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** A plot area: pixel mappings and its axes, for data from 0 to `xMax` and 0 to `yMax`. */
export interface Frame {
  readonly x: (v: number) => number;
  readonly y: (v: number) => number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly axes: string;
}

/** Options of {@link frame}. */
export interface FrameOptions {
  width: number;
  height: number;
  xMax: number;
  yMax: number;
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
  /** A log scale on y from `yMin` (latencies). */
  yMin?: number;
  xLabel?: string;
  yLabel?: string;
  /** Draw the x tick labels (bar charts label their own bars). @default true */
  xTicks?: boolean;
}

/** Lays out a chart's plot area and draws its axes, grid lines and tick labels. */
export function frame(o: FrameOptions): Frame {
  const left = 38;
  const right = o.width - 14;
  const top = o.yLabel ? 16 : 8;
  const bottom = o.height - 22;
  const xTicks = niceTicks(o.xMax, 5);
  const xMax = xTicks[xTicks.length - 1]!;
  const log = o.yMin !== undefined;
  const yTicks = log ? logTicks(o.yMin!, o.yMax) : niceTicks(o.yMax, 3);
  const yLo = log ? yTicks[0]! : 0;
  const yHi = yTicks[yTicks.length - 1]!;
  const x = (v: number) => r1(left + ((right - left) * v) / xMax);
  const y = log
    ? (v: number) =>
        r1(bottom - ((bottom - top) * Math.log(Math.max(v, yLo) / yLo)) / Math.log(yHi / yLo || 10))
    : (v: number) => r1(bottom - ((bottom - top) * v) / (yHi || 1));
  const xf = o.xFormat ?? String;
  const yf = o.yFormat ?? String;
  const parts = [
    `<g class="axes" font-size="9" fill="#555">`,
    ...yTicks.map(
      (t) =>
        `<line x1="${left}" x2="${right}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e5e5"/><text x="${left - 4}" y="${y(t) + 3}" text-anchor="end">${esc(yf(t))}</text>`,
    ),
    ...(o.xTicks === false
      ? []
      : xTicks.map((t) => `<text x="${x(t)}" y="${bottom + 12}" text-anchor="middle">${esc(xf(t))}</text>`)),
    `<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#999"/>`,
    o.xLabel ? `<text x="${right}" y="${o.height - 1}" text-anchor="end">${esc(o.xLabel)}</text>` : '',
    o.yLabel ? `<text x="4" y="9">${esc(o.yLabel)}</text>` : '',
    `</g>`,
  ];
  return { x, y, left, right, top, bottom, axes: parts.join('') };
}

function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  let t = 10 ** Math.floor(Math.log10(Math.max(min, 1e-9)));
  while (ticks.length < 12) {
    ticks.push(t);
    if (t >= max) break;
    t *= 10;
  }
  return ticks.length < 2 ? [ticks[0]!, ticks[0]! * 10] : ticks;
}

/** An `<svg>` element of the given size around `body`, with an accessible label. */
export function svg(width: number, height: number, label: string, body: string): string {
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`;
}

/** A polyline through `points` as a path, the chart's data mark. */
export function linePath(
  points: readonly (readonly [number, number])[],
  f: Frame,
  color: string,
  name: string,
): string {
  if (points.length === 0) return '';
  const d = points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${f.x(px)} ${f.y(py)}`).join('');
  return `<path class="mark" data-series="${esc(name)}" d="${d}" fill="none" stroke="${color}" stroke-width="1.5"><title>${esc(name)}</title></path>`;
}

/** A small legend: a colour swatch and a name per series. */
export function legend(items: readonly { name: string; color: string }[]): string {
  return `<div class="legend">${items
    .map((i) => `<span><i style="background:${i.color}"></i>${esc(i.name)}</span>`)
    .join('')}</div>`;
}
