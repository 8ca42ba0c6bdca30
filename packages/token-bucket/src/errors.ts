import { ResilienceError } from '@unfazed/core';

/**
 * The call would have to wait longer for quota than `maxWaitMs` or its deadline allows, so it
 * fails at once instead of waiting. `retryAfterMs` says when quota is expected back.
 */
export class RateLimitWaitTooLongError extends ResilienceError {
  /** Milliseconds until the limiter expects to admit the call. */
  readonly retryAfterMs: number;
  /** The longest wait the call allowed (the smaller of `maxWaitMs` and the time left to its deadline). */
  readonly maxWaitMs: number;

  constructor(init: { retryAfterMs: number; maxWaitMs: number; key: string; cause?: unknown }) {
    super(
      'RATE_LIMIT_WAIT',
      `rateLimit: quota for key "${init.key}" expected back in ${Math.ceil(init.retryAfterMs)} ms, longer than the allowed wait of ${Math.floor(init.maxWaitMs)} ms`,
      { cause: init.cause },
    );
    this.retryAfterMs = init.retryAfterMs;
    this.maxWaitMs = init.maxWaitMs;
  }
}

/** The call costs more than a full window of the limit, so it could never be admitted. */
export class RequestTooLargeError extends ResilienceError {
  /** Which dimension the call does not fit in. */
  readonly dimension: 'requests' | 'tokens';
  /** The call's estimated cost in that dimension. */
  readonly cost: number;
  /** The limit per window of that dimension. */
  readonly limit: number;

  constructor(init: { dimension: 'requests' | 'tokens'; cost: number; limit: number; key: string }) {
    super(
      'REQUEST_TOO_LARGE',
      `rateLimit: a call costing ${init.cost} ${init.dimension} can never fit in the limit of ${init.limit} ${init.dimension} per window (key "${init.key}")`,
    );
    this.dimension = init.dimension;
    this.cost = init.cost;
    this.limit = init.limit;
  }
}

/** The shared store failed and `onStoreError` is `'closed'`, so the call is refused. */
export class RateLimitStoreError extends ResilienceError {
  constructor(init: { key: string; cause: unknown }) {
    super('RATE_LIMIT_STORE', `rateLimit: the limiter's store is unavailable (key "${init.key}")`, {
      cause: init.cause,
    });
  }
}
