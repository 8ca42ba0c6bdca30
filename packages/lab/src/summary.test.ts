import { describe, expect, it } from 'vitest';
import type { LabResult } from './lab.ts';
import type { ClientRun } from './run-client.ts';
import { percentile, percentiles, summarize } from './summary.ts';
import { checkThresholds, parseThreshold } from './thresholds.ts';

function run(calls: ClientRun['calls'], counted = true, byStatus: Record<number, number> = {}): ClientRun {
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return {
    client: { id: 'mine', label: 'mine', description: '' },
    calls,
    server: { total, byStatus, byFault: { reset: 2 }, tokens: 0, byKey: {}, byPath: {}, timeline: [] },
    attemptsCounted: counted,
    events: [],
    eventCounts: {},
    lateSettled: 0,
    wallMs: 1,
  };
}

const ok = (at: number, end: number, attempts = 1) => ({ at, end, ok: true, attempts });
const failed = (at: number, end: number, failure: string, attempts = 1) => ({
  at,
  end,
  ok: false,
  failure,
  attempts,
});

describe('summarize', () => {
  it('uses nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 1)).toBe(7);
    expect(percentiles([])).toBeUndefined();
  });

  it('computes every figure from the calls and the server counters', () => {
    const s = summarize(
      run(
        [
          ok(0, 100, 1),
          ok(10, 1_010, 3),
          failed(20, 4_020, '429 rate_limit_requests', 4),
          failed(30, 130, '401 authentication', 1),
          failed(40, 4_040, '429 rate_limit_requests', 4),
        ],
        true,
        { 200: 2, 429: 8, 401: 1, 503: 2 },
      ),
    );
    expect(s).toMatchObject({
      calls: 5,
      ok: 2,
      successPct: 40,
      attemptsPerCall: 13 / 5,
      attemptsSource: 'client',
    });
    expect(s.server).toEqual({ requests: 13, status429: 8, status5xx: 2, resets: 2, hangs: 0 });
    expect(s.latency).toEqual({ p50: 1_000, p90: 4_000, p99: 4_000, max: 4_000 });
    expect(s.latencyOk).toEqual({ p50: 100, p90: 1_000, p99: 1_000, max: 1_000 });
    expect(s.failures).toEqual([
      { label: '429 rate_limit_requests', count: 2 },
      { label: '401 authentication', count: 1 },
    ]);
  });

  it('falls back to the server total when attempts were not counted per call', () => {
    const s = summarize(run([ok(0, 1, 0), ok(0, 1, 0)], false, { 200: 2, 429: 3 }));
    expect(s.attemptsPerCall).toBe(2.5);
    expect(s.attemptsSource).toBe('server');
  });
});

describe('thresholds', () => {
  const result = (pct: number) =>
    ({
      scenarios: [
        {
          scenario: { name: 'storm' },
          results: [
            {
              run: { client: { id: 'mine' } },
              summary: { successPct: pct, attemptsPerCall: 1.2, latency: { p99: 40_000 } },
            },
          ],
        },
      ],
    }) as unknown as LabResult;

  it('reads scenario[/client]=value and refuses anything else', () => {
    expect(parseThreshold('min-success', 'storm=95')).toEqual({
      kind: 'min-success',
      scenario: 'storm',
      value: 95,
    });
    expect(parseThreshold('max-p99', '*/mine=30s')).toEqual({
      kind: 'max-p99',
      scenario: '*',
      client: 'mine',
      value: 30_000,
    });
    expect(() => parseThreshold('min-success', 'storm')).toThrow(
      /--min-success: not scenario\[\/client\]=value/,
    );
    expect(() => parseThreshold('min-success', 'storm=101')).toThrow(/at most 100/);
    expect(() => parseThreshold('max-attempts', 'storm=lots')).toThrow(/must be a number/);
  });

  it('reports each miss, and a threshold that checked nothing', () => {
    const t = [
      parseThreshold('min-success', 'storm=95'),
      parseThreshold('max-attempts', 'storm/mine=1.5'),
      parseThreshold('max-p99', 'storm=30s'),
      parseThreshold('min-success', 'bursts=90'),
    ];
    const misses = checkThresholds(result(94.9), t).map((m) => m.message);
    expect(misses).toEqual([
      'storm/mine: min-success >= 95.0 %, got 94.9 %',
      'storm/mine: max-p99 <= 30 s, got 40 s',
      '--min-success bursts: no such scenario or client ran',
    ]);
    expect(checkThresholds(result(95), t.slice(0, 2))).toEqual([]);
  });
});
