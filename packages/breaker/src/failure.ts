import type { Category, Classification, Reason } from '@unfazed/classify';
import type { CallContext } from '@unfazed/core';

/** What `isFailure` of `breaker()` and `when` and `fn` of `fallback()` receive: one object, so fields can be added. */
export interface FailureArgs {
  /** What the call failed with, unchanged. */
  readonly error: unknown;
  /** classify's verdict on it (the one every policy acts on). */
  readonly classification: Classification;
  readonly ctx: CallContext;
}

/** The failure fields of an event (docs/events.md): classify's verdict, under the shared names. */
export interface FailureFields {
  readonly category: Category;
  readonly reason: Reason;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
}

/** The failure fields of a classification. */
export function failureFields(c: Classification): FailureFields {
  return { category: c.category, reason: c.reason, status: c.status, code: c.code, requestId: c.requestId };
}

const RATE_LIMITS: ReadonlySet<Reason> = new Set<Reason>([
  'rate_limit_requests',
  'rate_limit_tokens',
  'rate_limit',
]);

/**
 * The breaker's default notion of failure: `transient` and `network` failures (5xx, 408, 409,
 * resets, timeouts), except 429 rate limits unless `countRateLimits`: a rate limit says the
 * service is up, and the limiter owns it.
 */
export function countsByDefault(c: Classification, countRateLimits: boolean): boolean {
  if (c.category !== 'transient' && c.category !== 'network') return false;
  return countRateLimits || !RATE_LIMITS.has(c.reason);
}
