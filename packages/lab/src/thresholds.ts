import { parseDuration } from '@unfazed/classify';
import { formatMs } from './format.ts';
import type { LabResult } from './lab.ts';
import type { ClientSummary } from './summary.ts';

/** A release gate: a figure a scenario's client(s) must reach. */
export interface Threshold {
  readonly kind: 'min-success' | 'max-attempts' | 'max-p99';
  /** A scenario name, or `*` for every scenario. */
  readonly scenario: string;
  /** A client id; every client of the run when absent. */
  readonly client?: string;
  /** Percent for `min-success`, requests per call for `max-attempts`, ms for `max-p99`. */
  readonly value: number;
}

/** A threshold a run missed, and by how much. */
export interface ThresholdMiss {
  readonly threshold: Threshold;
  readonly scenario: string;
  readonly client: string;
  readonly actual: number;
  readonly message: string;
}

const SPEC = /^(\*|[a-z0-9][a-z0-9-]*)(?:\/([a-z0-9][a-z0-9-]*))?=(.+)$/;

/** A duration such as `30s`, `2m`, `1m30s`, `500ms`; a bare number is seconds. */
export function parseTime(text: string): number | undefined {
  // classify's parser of OpenAI's Go durations, which also reads a bare number as seconds.
  const ms = parseDuration(text.trim());
  return ms !== undefined && ms > 0 ? ms : undefined;
}

/**
 * Reads `scenario[/client]=value` (`storm=95`, `storm/my-client=95`, `*=90`). Throws a `TypeError`
 * naming the flag when it is malformed.
 */
export function parseThreshold(kind: Threshold['kind'], spec: string): Threshold {
  const m = SPEC.exec(spec.trim());
  const wrong = (why: string) =>
    new TypeError(
      `--${kind}: ${why}, got ${JSON.stringify(spec)} (expected scenario[/client]=value, e.g. storm=95)`,
    );
  if (!m) throw wrong('not scenario[/client]=value');
  const raw = m[3]!;
  const value = kind === 'max-p99' ? parseTime(raw) : /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : undefined;
  if (value === undefined)
    throw wrong(kind === 'max-p99' ? 'the value must be a duration (30s, 2m)' : 'the value must be a number');
  if (kind === 'min-success' && value > 100) throw wrong('a success rate is at most 100');
  return { kind, scenario: m[1]!, ...(m[2] ? { client: m[2] } : {}), value };
}

function actualOf(kind: Threshold['kind'], s: ClientSummary): number {
  if (kind === 'min-success') return s.successPct;
  if (kind === 'max-attempts') return s.attemptsPerCall;
  return s.latency.p99;
}

function show(kind: Threshold['kind'], n: number): string {
  if (kind === 'min-success') return `${n.toFixed(1)} %`;
  if (kind === 'max-attempts') return `${n.toFixed(2)} requests per call`;
  return formatMs(n);
}

/**
 * Checks a run against the thresholds. A threshold naming a scenario or client that did not run is a
 * miss too: a gate that silently checks nothing is worse than none.
 */
export function checkThresholds(result: LabResult, thresholds: readonly Threshold[]): ThresholdMiss[] {
  const misses: ThresholdMiss[] = [];
  for (const t of thresholds) {
    const scenarios = result.scenarios.filter((r) => t.scenario === '*' || r.scenario.name === t.scenario);
    const checked = scenarios.flatMap((r) =>
      r.results.filter((c) => t.client === undefined || c.run.client.id === t.client).map((c) => ({ r, c })),
    );
    if (checked.length === 0) {
      const what = `${t.scenario}${t.client ? `/${t.client}` : ''}`;
      misses.push({
        threshold: t,
        scenario: t.scenario,
        client: t.client ?? '*',
        actual: Number.NaN,
        message: `--${t.kind} ${what}: no such scenario or client ran`,
      });
      continue;
    }
    for (const { r, c } of checked) {
      const actual = actualOf(t.kind, c.summary);
      const ok = t.kind === 'min-success' ? actual >= t.value : actual <= t.value;
      if (ok) continue;
      const want = `${t.kind === 'min-success' ? '>=' : '<='} ${show(t.kind, t.value)}`;
      misses.push({
        threshold: t,
        scenario: r.scenario.name,
        client: c.run.client.id,
        actual,
        message: `${r.scenario.name}/${c.run.client.id}: ${t.kind} ${want}, got ${show(t.kind, actual)}`,
      });
    }
  }
  return misses;
}
