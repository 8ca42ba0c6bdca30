/**
 * Every code a {@link ResilienceError} can carry: one per failure the pipeline makes itself. The
 * verdict on each (retryable or not, and why) is `classify()`'s, in `@unfazed/classify`.
 */
export const RESILIENCE_ERROR_CODES = [
  /** One attempt ran longer than `timeout()` allows. */
  'TIMEOUT',
  /** A streamed answer stopped sending chunks for longer than allowed. */
  'STREAM_TIMEOUT',
  /** The whole call ran past its deadline (`retry({ deadlineMs })`). */
  'DEADLINE_EXCEEDED',
  /** The server asked to wait longer than `retry()` may wait. */
  'RETRY_AFTER_TOO_LONG',
  /** The circuit of the call's key is open. */
  'CIRCUIT_OPEN',
  /** The bulkhead had no slot and no room to queue. */
  'BULKHEAD_FULL',
  /** The quota the call needs would come back later than it may wait. */
  'RATE_LIMIT_WAIT',
  /** The call costs more than a whole window of the limit. */
  'REQUEST_TOO_LARGE',
  /** The limiter's shared store is down and configured to refuse calls then. */
  'RATE_LIMIT_STORE',
  /** A queue is full and refuses new work. */
  'QUEUE_FULL',
] as const;

/** One of {@link RESILIENCE_ERROR_CODES}. */
export type ResilienceErrorCode = (typeof RESILIENCE_ERROR_CODES)[number];
