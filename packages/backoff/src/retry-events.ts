import type { Category, Classification, Reason } from '@unfazed/classify';
import type { CallContext, EventBase } from '@unfazed/core';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    'retry.scheduled': RetryScheduledEvent;
    'retry.gave-up': RetryGaveUpEvent;
  }
}

/**
 * Where a retry's wait came from: the server's `retry-after` / `retry-after-ms` header, its error
 * message ("Please try again in 20s"), its `x-ratelimit-reset-*` header, or the backoff.
 */
export type DelaySource = 'retry-after' | 'message' | 'rate-limit-reset' | 'backoff';

/**
 * Why `retry()` stopped (the `why` of `retry.gave-up`):
 * - `not-retryable`: the failure cannot succeed on retry (a client error, a refusal of the pipeline).
 * - `not-replayable`: the call can be sent only once (a streamed or form upload body).
 * - `exhausted`: `maxRetries` retries were made.
 * - `budget`: the key's retry budget is spent; the last error is thrown unchanged.
 * - `deadline`: the next wait would end past the call's deadline, or the deadline passed.
 * - `retry-after-too-long`: the server asked to wait longer than allowed; a `RetryAfterTooLongError` is thrown.
 * - `aborted`: the caller's signal aborted.
 */
export type GiveUpReason =
  | 'not-retryable'
  | 'not-replayable'
  | 'exhausted'
  | 'budget'
  | 'deadline'
  | 'retry-after-too-long'
  | 'aborted';

/** What both retry events say about the failure: classify's verdict on it (docs/events.md). */
export interface RetryFailureFields {
  /** The failure's category (`transient`, `network`, …). */
  readonly category: Category;
  /** classify's reason (`rate_limit_requests`, `server_error`, `timeout`, …). */
  readonly reason: Reason;
  /** HTTP status, when the failure was an HTTP answer. */
  readonly status: number | undefined;
  /** The API's error code, a network error code or a `ResilienceError` code, when known. */
  readonly code: string | undefined;
  /** The server's `x-request-id` of this failed attempt, when it sent one. */
  readonly requestId: string | undefined;
}

/** `retry.scheduled`: an attempt failed and another runs after `delayMs`. */
export interface RetryScheduledEvent extends EventBase, RetryFailureFields {
  readonly type: 'retry.scheduled';
  /** The wait before the next attempt, in ms. */
  readonly delayMs: number;
  readonly delaySource: DelaySource;
  /** The attempt that failed (1-based); the next one is `failedAttempt + 1`. */
  readonly failedAttempt: number;
  /** The request id of every failed attempt so far (`undefined` where none was sent), in order. */
  readonly requestIds: readonly (string | undefined)[];
}

/** `retry.gave-up`: retry stopped; the call fails. */
export interface RetryGaveUpEvent extends EventBase, RetryFailureFields {
  readonly type: 'retry.gave-up';
  readonly why: GiveUpReason;
  /** Attempts made. */
  readonly attempts: number;
  /** The wait that was refused (`deadline`, `budget`, `retry-after-too-long`), in ms, or `undefined`. */
  readonly delayMs: number | undefined;
  readonly delaySource: DelaySource | undefined;
  /** The request id of every failed attempt (`undefined` where none was sent), in order. */
  readonly requestIds: readonly (string | undefined)[];
}

/** What `onRetry` receives. */
export interface RetryArgs {
  readonly ctx: CallContext;
  readonly error: unknown;
  readonly classification: Classification;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly delaySource: DelaySource;
  readonly requestIds: readonly (string | undefined)[];
}

/** What `onGiveUp` receives. */
export interface GiveUpArgs {
  readonly ctx: CallContext;
  /** The error the call fails with: the last attempt's, or a `RetryAfterTooLongError`/`DeadlineExceededError`. */
  readonly error: unknown;
  readonly classification: Classification;
  /** The last attempt (1-based). */
  readonly attempt: number;
  readonly why: GiveUpReason;
  /** The wait that was refused, if any. */
  readonly delayMs: number | undefined;
  readonly delaySource: DelaySource | undefined;
  readonly requestIds: readonly (string | undefined)[];
}

/** What `shouldRetry` receives. */
export interface ShouldRetryArgs {
  readonly ctx: CallContext;
  readonly error: unknown;
  readonly classification: Classification;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  /** What `retry()` would decide on its own (classify's verdict and `retryOn`). */
  readonly retryable: boolean;
}
