import type { Classification } from '@unfazed/classify';
import { ResilienceError } from '@unfazed/core';

/**
 * Classifies a failed attempt for `retry()`. Failures the pipeline made itself (circuit open,
 * bulkhead full, quota wait too long) are never retryable: they already mean "not now". The one
 * exception is a per-attempt `TimeoutError`: that attempt was slow, the next one may not be, so
 * it counts as a network timeout.
 */
export function classifyFailure(
  error: unknown,
  classify: (error: unknown, options?: { now?: number }) => Classification,
  now: number,
): Classification {
  const classification = classify(error, { now });
  const own = ResilienceError.find(error);
  if (own === undefined) return classification;
  if (own.code === 'TIMEOUT')
    return { ...classification, category: 'network', reason: 'timeout', retryable: true };
  return classification.retryable ? { ...classification, retryable: false } : classification;
}
