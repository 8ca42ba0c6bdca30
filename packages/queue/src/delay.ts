import type { Classification } from '@unfazed/classify';
import { ResilienceError } from '@unfazed/core';

/** How long a job waits after a failure that may pass. */
export interface DelayPlan {
  readonly delayMs: number;
  /**
   * Whether it counts against `maxAttempts`: a refusal of the pipeline sent nothing, and a 429 rate
   * limit only says "later" (the job waits as long as its deadline allows), so neither does.
   */
  readonly countFailure: boolean;
}

/** Settings of {@link planDelay}. */
export interface DelaySettings {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly random: () => number;
}

/**
 * The delay after a failure, or undefined when the job must fail now. Retryable failures
 * (transient, network) wait for the server's hint (`retry-after`, the message, the rate-limit
 * reset), else a full-jitter exponential backoff; refusals of the pipeline ("not now": quota too far
 * away, circuit open) wait until the pipeline said it expects to admit the call.
 */
export function planDelay(
  c: Classification,
  error: unknown,
  failures: number,
  s: DelaySettings,
): DelayPlan | undefined {
  const refused = c.category === 'rejected';
  if (!c.retryable && !refused) return undefined;
  const hinted = c.retryAfterMs ?? hintOf(error);
  const backoff = s.random() * Math.min(s.maxMs, s.baseMs * 2 ** Math.min(failures, 30));
  const delayMs = hinted === undefined ? backoff : hinted + s.random() * Math.min(250, hinted * 0.1);
  const rateLimited = c.status === 429 && c.reason.startsWith('rate_limit');
  return { delayMs: Math.min(s.maxMs, Math.max(0, delayMs)), countFailure: !refused && !rateLimited };
}

/** A pipeline refusal's own estimate of when it would admit the call (`retryAfterMs` of the error). */
function hintOf(error: unknown): number | undefined {
  const found = ResilienceError.find(error) as (ResilienceError & { retryAfterMs?: unknown }) | undefined;
  const ms = found?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
