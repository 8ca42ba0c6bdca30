import { ResilienceError, type ResilienceErrorOptions } from '@unfazed/core';

/**
 * The server asked to wait longer than `retry()` may wait (`maxRetryAfterMs`, or the time left
 * before the call's deadline), so the call gives up at once instead of retrying too early.
 * `cause` is the server's error, unchanged.
 */
export class RetryAfterTooLongError extends ResilienceError {
  /** How long the server asked to wait, in ms. */
  readonly retryAfterMs: number;
  /** The longest wait that was allowed (`maxRetryAfterMs` or the time left before the deadline), in ms. */
  readonly limitMs: number;

  constructor(retryAfterMs: number, limitMs: number, options?: ResilienceErrorOptions) {
    super(
      'RETRY_AFTER_TOO_LONG',
      `retry: the server asked to wait ${Math.round(retryAfterMs)} ms, more than the ${Math.round(limitMs)} ms allowed`,
      options,
    );
    this.retryAfterMs = retryAfterMs;
    this.limitMs = limitMs;
  }
}

/** One attempt ran longer than `timeout({ ms })`; its signal was aborted with this error. */
export class TimeoutError extends ResilienceError {
  /** The per-attempt limit that ran out, in ms. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: ResilienceErrorOptions) {
    super('TIMEOUT', `timeout: the attempt took longer than ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The whole call, every attempt and wait included, ran past `retry({ deadlineMs })`. The attempts'
 * signal is aborted with this error; `cause` is what the running attempt failed with, if anything.
 */
export class DeadlineExceededError extends ResilienceError {
  /** The call's total time limit, in ms. */
  readonly deadlineMs: number;

  constructor(deadlineMs: number, options?: ResilienceErrorOptions) {
    super('DEADLINE_EXCEEDED', `retry: the call took longer than its ${deadlineMs} ms deadline`, options);
    this.deadlineMs = deadlineMs;
  }
}
