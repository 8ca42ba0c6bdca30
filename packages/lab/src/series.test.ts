import { describe, expect, it } from 'vitest';
import type { ClientRun } from './run-client.ts';
import { attemptsHistogram, breakerSpans, limiterPoints, ratePerSecond } from './series.ts';

const run = (extra: Partial<ClientRun>): ClientRun =>
  ({ calls: [], events: [], eventCounts: {}, attemptsCounted: true, ...extra }) as unknown as ClientRun;

describe('chart series', () => {
  it('turns times into per-second rates per bin, the last bin taking what ends at the edge', () => {
    expect(ratePerSecond([0, 100, 2_500, 5_000, 9_999, 10_000], 5_000, 10_000)).toEqual([
      [2.5, 3 / 5],
      [7.5, 3 / 5],
    ]);
  });

  it('follows the breaker from closed through every state change', () => {
    const spans = breakerSpans(
      run({
        events: [
          { t: 1_000, type: 'breaker.state-changed', to: 'open' },
          { t: 31_000, type: 'breaker.state-changed', to: 'half-open' },
          { t: 31_500, type: 'breaker.state-changed', to: 'closed' },
          { t: 32_000, type: 'rate-limit.queued', waitMs: 10 },
        ],
      }),
      60_000,
    );
    expect(spans).toEqual([
      { from: 0, to: 1_000, state: 'closed' },
      { from: 1_000, to: 31_000, state: 'open' },
      { from: 31_000, to: 31_500, state: 'half-open' },
      { from: 31_500, to: 60_000, state: 'closed' },
    ]);
  });

  it('counts calls by requests sent, and picks the limiter’s waits, refusals and cooldowns', () => {
    const calls = [0, 1, 1, 2, 4, 7].map((attempts) => ({ at: 0, end: 1, ok: true, attempts }));
    expect(attemptsHistogram(run({ calls }))?.map((b) => b.count)).toEqual([1, 2, 1, 0, 1, 1]);
    expect(attemptsHistogram(run({ calls, attemptsCounted: false }))).toBeUndefined();
    const points = limiterPoints(
      run({
        events: [
          { t: 5, type: 'rate-limit.queued', waitMs: 250 },
          { t: 6, type: 'rate-limit.rejected', why: 'wait-too-long' },
          { t: 7, type: 'rate-limit.cooldown-started' },
        ],
      }),
    );
    expect(points).toEqual({ queued: [[5, 250]], rejected: [6], cooldowns: [[7, 0]] });
  });
});
