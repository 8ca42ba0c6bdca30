import { type Classification, classify } from '@unfazed/classify';
import { type CallContext, ResilienceError } from '@unfazed/core';

/** What `isFailure` and `fallback`'s `when` receive. */
export interface FailureArgs {
  readonly error: unknown;
  readonly classification: Classification;
  readonly ctx: CallContext;
}

/** The classifier used when none is given. */
export type Classify = (error: unknown, options?: { now?: number }) => Classification;

export const defaultClassify: Classify = classify;

/**
 * Classifies a failure. A per-attempt `TimeoutError` from `timeout()` counts as a network timeout
 * (the service was too slow); other failures the pipeline made itself are `unknown`, with their
 * code: they say nothing about the service's health.
 */
export function classifyFailure(error: unknown, classify: Classify, now: number): Classification {
  const classification = classify(error, { now });
  const own = ResilienceError.find(error);
  if (own === undefined) return classification;
  if (own.code === 'TIMEOUT')
    return { ...classification, category: 'network', reason: 'timeout', retryable: true };
  // Even when an SDK wrapped it as a connection error, it never reached the service.
  return { ...classification, category: 'unknown', retryable: false, code: own.code };
}

const RATE_LIMITS = new Set(['rate_limit_requests', 'rate_limit_tokens', 'rate_limit']);

/**
 * The breaker's default notion of failure: `transient` and `network` failures, except 429 rate
 * limits unless `countRateLimits` (the rate limiter owns those). Client errors, cancelled calls and
 * failures the pipeline made itself (other than timeouts) never count.
 */
export function defaultIsFailure(classification: Classification, countRateLimits: boolean): boolean {
  if (classification.category !== 'transient' && classification.category !== 'network') return false;
  return countRateLimits || !RATE_LIMITS.has(classification.reason);
}
