import { CircuitOpenError } from '@unfazed/breaker';
import { classify } from '@unfazed/classify';
import { HttpStatusError } from '@unfazed/core';
import { RateLimitWaitTooLongError } from '@unfazed/token-bucket';
import { describe, expect, it } from 'vitest';
import { planDelay } from './delay.ts';

const settings = (random = 1) => ({ baseMs: 1_000, maxMs: 60_000, random: () => random });
const plan = (error: unknown, failures = 0, random = 1) =>
  planDelay(classify(error), error, failures, settings(random));

describe('planDelay', () => {
  it('backs off exponentially with full jitter when the server gave no hint', () => {
    const error = new HttpStatusError({ status: 503 });
    expect(plan(error, 0, 1)).toEqual({ delayMs: 1_000, countFailure: true });
    expect(plan(error, 3, 1)).toEqual({ delayMs: 8_000, countFailure: true });
    expect(plan(error, 3, 0.5)?.delayMs).toBe(4_000);
    expect(plan(error, 20, 1)?.delayMs).toBe(60_000);
  });

  it("waits for a 429's hint (plus a little jitter), and a rate limit does not count as a failure", () => {
    const error = new HttpStatusError({
      status: 429,
      headers: { 'retry-after-ms': '2000' },
      body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
    });
    const p = plan(error, 4, 0);
    expect(p).toEqual({ delayMs: 2_000, countFailure: false });
    expect(plan(error, 4, 1)!.delayMs).toBe(2_200);
  });

  it('waits until a pipeline refusal expects to admit the call, without counting it', () => {
    const wait = new RateLimitWaitTooLongError({ retryAfterMs: 12_345, maxWaitMs: 30_000, key: 'gpt-4o' });
    expect(plan(wait, 0, 0)).toEqual({ delayMs: 12_345, countFailure: false });
    const open = new CircuitOpenError('gpt-4o', 'open', 5_000);
    expect(plan(open, 0, 0)).toEqual({ delayMs: 5_000, countFailure: false });
  });

  it('fails client errors at once (no plan)', () => {
    expect(plan(new HttpStatusError({ status: 400 }))).toBeUndefined();
    expect(
      plan(
        new HttpStatusError({
          status: 429,
          body: {
            error: {
              message: 'You exceeded your current quota',
              type: 'insufficient_quota',
              code: 'insufficient_quota',
            },
          },
        }),
      ),
    ).toBeUndefined();
  });
});
