import type { Category, Classification, Reason } from '@unfazed/classify';
import type { CallContext, EventBase } from '@unfazed/core';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    retry: RetryEvent;
    'retry.give-up': RetryGiveUpEvent;
  }
}

/**
 * Where a retry's wait came from: the server's `retry-after`/`retry-after-ms` hint, its
 * `x-ratelimit-reset-*` header, or the exponential backoff.
 */
export type DelaySource = 'retry-after' | 'rate-limit-reset' | 'backoff';

/**
 * Why `retry()` stopped:
 * - `not-retryable`: the failure cannot succeed on retry (a client error, a failure the pipeline made).
 * - `exhausted`: `maxRetries` retries were made.
 * - `budget`: the key's retry budget is spent; the last error is thrown unchanged.
 * - `deadline`: the next wait would end past the call's deadline, or the deadline passed.
 * - `retry-after-too-long`: the server asked to wait longer than allowed; a `RetryAfterTooLongError` is thrown.
 * - `aborted`: the caller's signal aborted.
 */
export type GiveUpReason =
  | 'not-retryable'
  | 'exhausted'
  | 'budget'
  | 'deadline'
  | 'retry-after-too-long'
  | 'aborted';

/** Fields of both retry events that describe the failure. */
export interface RetryFailureFields {
  /** The failure's category (`transient`, `network`, …). */
  readonly category: Category;
  /** The failure's reason (`rate_limit_requests`, `server_error`, …). */
  readonly errorReason: Reason;
  /** HTTP status, when the failure was an HTTP answer. */
  readonly status: number | undefined;
  /** The API's or pipeline's error code, when known. */
  readonly code: string | undefined;
  /** The request id each failed attempt got (`undefined` when the server sent none), in order. */
  readonly requestIds: readonly (string | undefined)[];
}

/** An attempt failed and another will run after `delayMs`. */
export interface RetryEvent extends EventBase, RetryFailureFields {
  readonly type: 'retry';
  readonly source: 'retry';
  /** The wait before the next attempt, in ms. */
  readonly delayMs: number;
  readonly delaySource: DelaySource;
  /** The attempt that failed (1-based); the next one is `failedAttempt + 1`. */
  readonly failedAttempt: number;
}

/** `retry()` stopped retrying; the call fails. */
export interface RetryGiveUpEvent extends EventBase, RetryFailureFields {
  readonly type: 'retry.give-up';
  readonly source: 'retry';
  readonly reason: GiveUpReason;
  /** Attempts made. */
  readonly attempts: number;
  /** The wait that was refused, for `deadline`, `budget` and `retry-after-too-long`, in ms. */
  readonly delayMs: number | undefined;
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
  readonly reason: GiveUpReason;
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
  /** What `retry()` would decide on its own (`retryOn` categories, never pipeline-made errors). */
  readonly retryable: boolean;
}
