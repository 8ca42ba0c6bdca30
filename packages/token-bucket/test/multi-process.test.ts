import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { runWorker, worstWindow } from './helpers.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `unfazed-mp:${randomUUID()}`;

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`{${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('several processes sharing one key through Redis', () => {
  it('never admit more than the limit in any window, of requests or of tokens', async () => {
    const rpm = 60;
    const tpm = 6_000;
    const windowMs = 1_000;
    const durationMs = 3_500;
    const env = {
      REDIS_URL,
      PREFIX: prefix,
      KEY: 'shared',
      RPM: rpm,
      TPM: tpm,
      WINDOW_MS: windowMs,
      DURATION_MS: durationMs,
      CONCURRENCY: 8,
      MAX_TOKENS: 300,
      // Generous: this test is about the shared bucket, so a busy machine must not trigger the fallback.
      STORE_TIMEOUT_MS: 3_000,
    };
    const reports = await Promise.all([1, 2, 3, 4].map((seed) => runWorker({ ...env, SEED: seed })));
    const all = reports.flatMap((r) => r.admissions);
    for (const report of reports) {
      expect(report.failures).toBe(0);
      expect(report.admissions.length).toBeGreaterThan(0);
      expect(report.events['rate-limit.queued']).toBeGreaterThan(0);
      expect(report.events['rate-limit.store-failed']).toBeUndefined();
    }
    const worstRequests = worstWindow(all, windowMs, () => 1);
    const worstTokens = worstWindow(all, windowMs, (a) => a.tokens);
    expect(worstRequests).toBeLessThanOrEqual(rpm);
    expect(worstTokens).toBeLessThanOrEqual(tpm);
    // And the limiter is not starving anyone: the busiest dimension ran near its limit.
    const spanMs = Math.max(...all.map((a) => a.at)) - Math.min(...all.map((a) => a.sent));
    const tokens = all.reduce((sum, a) => sum + a.tokens, 0);
    const utilisation = Math.max(
      all.length / ((rpm * spanMs) / windowMs),
      tokens / ((tpm * spanMs) / windowMs),
    );
    expect(utilisation).toBeGreaterThan(0.6);
    expect(utilisation).toBeLessThanOrEqual(1.05);
  }, 30_000);
});
