import { mulberry32 } from '@unfazed/testing';
import { describe, expect, it } from 'vitest';
import { arrivalTimes, rateAt } from './arrivals.ts';
import { readScenario } from './scenario.ts';

const scenario = (load: object, extra: object = {}) =>
  readScenario({ name: 'test', durationMs: 600_000, load, ...extra });

describe('arrivalTimes', () => {
  it('is the same schedule for the same seed, and another for another seed', () => {
    const a = arrivalTimes(scenario({ rpm: 120 }));
    expect(arrivalTimes(scenario({ rpm: 120 }))).toEqual(a);
    expect(arrivalTimes(scenario({ rpm: 120 }, { seed: 2 }))).not.toEqual(a);
  });

  it('arrives at the configured rate, in order, within the run', () => {
    const times = arrivalTimes(scenario({ rpm: 120 }));
    // 10 minutes at 2/s: 1200 expected; a Poisson count has a standard deviation of about 35.
    expect(times.length).toBeGreaterThan(1_090);
    expect(times.length).toBeLessThan(1_310);
    expect(times.every((t, i) => t >= 0 && t < 600_000 && (i === 0 || t >= times[i - 1]!))).toBe(true);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Poisson gaps vary (coefficient of variation near 1); uniform ones do not.
    const mean = gaps.reduce((x, y) => x + y, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((x, g) => x + (g - mean) ** 2, 0) / gaps.length);
    expect(sd / mean).toBeGreaterThan(0.8);
  });

  it('spaces uniform arrivals evenly and follows the phases, pausing at factor 0', () => {
    const s = scenario({
      rpm: 60,
      arrivals: 'uniform',
      phases: [
        { atMs: 0, factor: 2 },
        { atMs: 10_000, factor: 0 },
        { atMs: 20_000, factor: 1 },
      ],
    });
    const times = arrivalTimes({ ...s, durationMs: 30_000 });
    expect(times.filter((t) => t < 10_000)).toEqual([
      0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500, 6000, 6500, 7000, 7500, 8000, 8500,
      9000, 9500,
    ]);
    expect(times.filter((t) => t >= 10_000 && t < 20_000)).toEqual([]);
    expect(times.filter((t) => t >= 20_000)).toHaveLength(10);
    expect(rateAt(s.load, 15_000)).toBe(0);
    expect(rateAt(s.load, 25_000)).toBe(60);
  });

  it('draws seeded values in [0, 1)', () => {
    const random = mulberry32(7);
    const values = Array.from({ length: 1_000 }, random);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(mulberry32(7)()).toBe(values[0]);
  });
});
