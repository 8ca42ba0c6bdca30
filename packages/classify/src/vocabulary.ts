/**
 * What kind of failure a call met, which decides what to do about it.
 * - `transient`: the server could not serve it now (429 rate limit, 5xx, 408, 409); retrying later can succeed.
 * - `client`: the request itself is wrong or not allowed (400, 401, 403, 404, 422, quota exhausted,
 *   request too large); retrying the same request changes nothing.
 * - `network`: the answer never arrived (connection reset or refused, DNS failure, transport timeout).
 * - `cancelled`: the caller gave up (abort signal, `AbortSignal.timeout`, the call's own deadline).
 * - `rejected`: the pipeline refused the call itself before it reached the service (circuit open,
 *   bulkhead full, quota wait too long, retry-after too long): "not now", never retried.
 * - `unknown`: anything else.
 */
export const CATEGORIES = ['transient', 'client', 'network', 'cancelled', 'rejected', 'unknown'] as const;

/** One of {@link CATEGORIES}. */
export type Category = (typeof CATEGORIES)[number];

/**
 * Why a call failed, finer than its {@link Category}. The README's vocabulary table lists the
 * category, retry decision and typical source of each reason.
 */
export const REASONS = [
  'rate_limit_requests',
  'rate_limit_tokens',
  'rate_limit',
  'request_too_large',
  'quota_exhausted',
  'server_error',
  'overloaded',
  'timeout',
  'connection',
  'authentication',
  'permission',
  'not_found',
  'bad_request',
  'unprocessable',
  'context_length_exceeded',
  'content_filter',
  'conflict',
  'aborted',
  'deadline_exceeded',
  'circuit_open',
  'bulkhead_full',
  'rate_limit_wait',
  'retry_after_too_long',
  'rate_limit_store',
  'queue_full',
  'unknown',
] as const;

/** One of {@link REASONS}. */
export type Reason = (typeof REASONS)[number];

/** The `x-ratelimit-*` headers of a response, parsed. A field is absent when its header is missing or garbage. */
export interface RateLimitInfo {
  /** `x-ratelimit-limit-requests`: requests allowed per window. */
  limitRequests?: number;
  /** `x-ratelimit-limit-tokens`: tokens allowed per window. */
  limitTokens?: number;
  /** `x-ratelimit-remaining-requests`. */
  remainingRequests?: number;
  /** `x-ratelimit-remaining-tokens`. */
  remainingTokens?: number;
  /** `x-ratelimit-reset-requests` (a Go duration such as `6m0s`), in milliseconds. */
  resetRequestsMs?: number;
  /** `x-ratelimit-reset-tokens`, in milliseconds. */
  resetTokensMs?: number;
}

/**
 * Where {@link Classification.retryAfterMs} came from: a `retry-after` / `retry-after-ms` header,
 * the message's "try again in …", or the `x-ratelimit-reset-*` header scaled to what the request needs.
 */
export type RetryAfterSource = 'retry-after' | 'message' | 'rate-limit-reset';

/** The verdict of `classify()` on one failure. */
export interface Classification {
  category: Category;
  /** Whether retrying the same request can succeed. The `x-should-retry` header overrides the status. */
  retryable: boolean;
  reason: Reason;
  /** HTTP status of the response, when there was one. */
  status?: number;
  /** The API's error `code` (`rate_limit_exceeded`, `"429"` on Azure), a Node/undici error code, or a `ResilienceError` code (`CIRCUIT_OPEN`). */
  code?: string;
  /** The API's error `type` (`requests`, `tokens`, `insufficient_quota`, `server_error`, ...). */
  type?: string;
  /** The API's error message, or the error's own message (at most 1000 characters). */
  message?: string;
  /** How long the server asked to wait before retrying, in ms: finite and >= 0, or absent. */
  retryAfterMs?: number;
  /**
   * `retry-after`: from `retry-after-ms`, `x-ms-retry-after-ms` or `retry-after`; `message`: from
   * the error message ("Please try again in 20s"); `rate-limit-reset`: from the `x-ratelimit-reset-*`
   * header of the exhausted dimension, scaled to the part of the limit the request needs.
   */
  retryAfterSource?: RetryAfterSource;
  /** `x-request-id`, `apim-request-id` or the SDK error's `requestID`: quote it to support. */
  requestId?: string;
  /** Parsed `x-ratelimit-*` headers, when the response had any. */
  rateLimit?: RateLimitInfo;
}

/** Options of `classify()`. */
export interface ClassifyOptions {
  /**
   * The current time in ms since the epoch, used to turn a `retry-after` HTTP date into a wait.
   * Pass `ctx.clock.now()` inside a pipeline.
   * @default Date.now()
   */
  now?: number;
}
