import { describe, expect, it } from 'vitest';
import { delayStep, MAX_DELAY_STEP_MS, namesOf } from './names.ts';

describe('delay queues', () => {
  it('round a delay up to a step at most 7 % (or 50 ms) longer, so few queues serve every wait', () => {
    for (const ms of [0, 1, 49, 50, 51, 99, 1_000, 1_234, 59_999, 600_000, 3_600_000]) {
      const step = delayStep(ms);
      expect(step).toBeGreaterThanOrEqual(ms);
      expect(step).toBeLessThanOrEqual(Math.max(50, Math.ceil(ms * 1.07) + 1));
    }
    expect(delayStep(10 * 3_600_000)).toBe(MAX_DELAY_STEP_MS);
    const n = namesOf('q', 'p');
    expect(n.delay(1_000)).toBe(`q.delay.${delayStep(1_000)}`);
    expect(n.all()).toContain(n.delay(123_456));
    expect(n.all().length).toBeLessThan(200);
  });

  it('keep every Redis key of a job in one hash slot', () => {
    expect(namesOf('q', 'unfazed:queue:q').job('abc')).toBe('unfazed:queue:q:job:{abc}');
  });
});
