import { describe, expect, it } from 'vitest';
import { BackoffSequence, type BackoffShape, exponentialDelay } from './backoff-delay.ts';

const shape = (jitter: BackoffShape['jitter']): BackoffShape => ({
  baseDelayMs: 1_000,
  factor: 2,
  maxDelayMs: 20_000,
  jitter,
});
const delays = (s: BackoffShape, random: () => number, n = 8) => {
  const seq = new BackoffSequence(s, random);
  return Array.from({ length: n }, () => seq.next());
};

describe('backoff delays', () => {
  it('grows exponentially from the base and stops at the cap', () => {
    expect(Array.from({ length: 7 }, (_, n) => exponentialDelay(shape('none'), n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 20_000, 20_000,
    ]);
    expect(delays(shape('none'), () => 0.5, 6)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 20_000]);
  });

  it('full jitter spans [0, d): random 0 gives 0, random just below 1 gives just below d', () => {
    expect(delays(shape('full'), () => 0, 4)).toEqual([0, 0, 0, 0]);
    expect(delays(shape('full'), () => 0.999_999, 6)).toEqual([999, 1_999, 3_999, 7_999, 15_999, 19_999]);
    expect(delays(shape('full'), () => 0.5, 3)).toEqual([500, 1_000, 2_000]);
  });

  it('equal jitter spans [d/2, d)', () => {
    expect(delays(shape('equal'), () => 0, 3)).toEqual([500, 1_000, 2_000]);
    expect(delays(shape('equal'), () => 0.999_999, 3)).toEqual([999, 1_999, 3_999]);
    expect(delays(shape('equal'), () => 0.5, 7).at(-1)).toBe(15_000); // 20 s cap: 10 s + 5 s
  });

  it('decorrelated jitter stays within [0, cap] and its medians grow near base · 2^n', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    const runs = Array.from({ length: 2_000 }, () => delays(shape('decorrelated'), random, 10));
    const all = runs.flat();
    expect(Math.min(...all)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...all)).toBe(20_000);
    const median = (n: number) => {
      const sorted = runs.map((r) => r[n]!).sort((a, b) => a - b);
      return sorted[sorted.length >> 1]!;
    };
    expect(median(0)).toBeGreaterThan(400);
    expect(median(0)).toBeLessThan(1_600);
    expect(median(3)).toBeGreaterThan(median(1));
    expect(median(9)).toBe(20_000);
  });

  it('decorrelated jitter with a fixed random is deterministic', () => {
    expect(delays(shape('decorrelated'), () => 0.3, 4)).toEqual(delays(shape('decorrelated'), () => 0.3, 4));
  });
});
