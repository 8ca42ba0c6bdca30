import type { ClientRun } from './run-client.ts';

/** The figures of one client in one scenario: what the table and the thresholds use. */
export interface ClientSummary {
  readonly calls: number;
  readonly ok: number;
  /** Percentage of calls that succeeded, 0–100 (100 when no call was made). */
  readonly successPct: number;
  /** Requests sent per logical call: counted per call, or the server's total divided by the calls. */
  readonly attemptsPerCall: number;
  readonly attemptsSource: 'client' | 'server';
  /** What the server answered, and the faults it injected. */
  readonly server: {
    readonly requests: number;
    readonly status429: number;
    readonly status5xx: number;
    readonly resets: number;
    readonly hangs: number;
  };
  /** Latency of every call, as its caller saw it (failures and give-ups included), in scenario ms. */
  readonly latency: Percentiles;
  readonly latencyOk: Percentiles | undefined;
  readonly latencyFailed: Percentiles | undefined;
  /** Failure labels, most common first. */
  readonly failures: readonly { readonly label: string; readonly count: number }[];
}

/** Latency percentiles in scenario ms. */
export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** The nearest-rank percentile `p` (0–100) of sorted `values`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** p50, p90, p99 and max of `values`, or `undefined` when there are none. */
export function percentiles(values: readonly number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
  };
}

function sumStatus(byStatus: Record<number, number>, test: (status: number) => boolean): number {
  let n = 0;
  for (const [status, count] of Object.entries(byStatus)) if (test(Number(status))) n += count;
  return n;
}

/** Computes a client's figures from its run: callers' outcomes and the server's counters. */
export function summarize(run: ClientRun): ClientSummary {
  const { calls, server } = run;
  const ok = calls.filter((c) => c.ok).length;
  const counted = calls.reduce((n, c) => n + c.attempts, 0);
  const latency = (list: typeof calls) => percentiles(list.map((c) => c.end - c.at));
  const failures = new Map<string, number>();
  for (const c of calls) if (!c.ok && c.failure) failures.set(c.failure, (failures.get(c.failure) ?? 0) + 1);
  return {
    calls: calls.length,
    ok,
    successPct: calls.length === 0 ? 100 : (100 * ok) / calls.length,
    attemptsPerCall: calls.length === 0 ? 0 : (run.attemptsCounted ? counted : server.total) / calls.length,
    attemptsSource: run.attemptsCounted ? 'client' : 'server',
    server: {
      requests: server.total,
      status429: server.byStatus[429] ?? 0,
      status5xx: sumStatus(server.byStatus, (s) => s >= 500),
      resets: server.byFault.reset ?? 0,
      hangs: server.byFault.hang ?? 0,
    },
    latency: latency(calls) ?? { p50: 0, p90: 0, p99: 0, max: 0 },
    latencyOk: latency(calls.filter((c) => c.ok)),
    latencyFailed: latency(calls.filter((c) => !c.ok)),
    failures: [...failures]
      .map(([label, count]) => ({ label, count }))
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
  };
}
