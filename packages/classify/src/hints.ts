import { getHeader, parseRetryAfter, parseRetryAfterMs } from './headers.ts';
import { retryAfterFromMessage } from './message.ts';
import type { RateLimitInfo, Reason, RetryAfterSource } from './vocabulary.ts';

/** A wait the server asked for. */
export interface RetryHint {
  ms: number;
  source: RetryAfterSource;
}

/**
 * The server's wait hint, first found in this order: `retry-after-ms`, `x-ms-retry-after-ms`,
 * `retry-after`, the `x-ratelimit-reset-*` header of the exhausted dimension (429s only), then the
 * message ("Please try again in 20s", "Please retry after 86400 seconds"). Explicit hints come
 * before the reset header because a reset time says when the window refills, not when this
 * request fits.
 */
export function retryHint(
  headers: unknown,
  reason: Reason,
  rateLimit: RateLimitInfo,
  messages: readonly (string | undefined)[],
  now: number | undefined,
): RetryHint | undefined {
  const explicit =
    parseRetryAfterMs(getHeader(headers, 'retry-after-ms')) ??
    parseRetryAfterMs(getHeader(headers, 'x-ms-retry-after-ms')) ??
    parseRetryAfter(getHeader(headers, 'retry-after'), now);
  if (explicit !== undefined) return { ms: explicit, source: 'retry-after' };

  const reset = resetOf(reason, rateLimit);
  if (reset !== undefined) return { ms: reset, source: 'rate-limit-reset' };

  for (const message of messages) {
    const ms = retryAfterFromMessage(message);
    if (ms !== undefined) return { ms, source: 'retry-after' };
  }
  return undefined;
}

function resetOf(reason: Reason, rateLimit: RateLimitInfo): number | undefined {
  const { resetRequestsMs: requests, resetTokensMs: tokens } = rateLimit;
  if (reason === 'rate_limit_requests') return requests;
  if (reason === 'rate_limit_tokens') return tokens;
  if (reason !== 'rate_limit') return undefined;
  // The dimension is unknown: wait for the one that is out, or for both to refill.
  if (rateLimit.remainingRequests === 0 && rateLimit.remainingTokens !== 0 && requests !== undefined) {
    return requests;
  }
  if (rateLimit.remainingTokens === 0 && rateLimit.remainingRequests !== 0 && tokens !== undefined)
    return tokens;
  if (requests === undefined) return tokens;
  return tokens === undefined ? requests : Math.max(requests, tokens);
}
