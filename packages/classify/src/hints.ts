import { getHeader, parseRetryAfter, parseRetryAfterMs } from './headers.ts';
import { requestedAmount, retryAfterFromMessage } from './message.ts';
import type { RateLimitInfo, Reason, RetryAfterSource } from './vocabulary.ts';

/** A wait the server asked for. */
export interface RetryHint {
  ms: number;
  source: RetryAfterSource;
}

/**
 * The soonest moment the request can succeed, from what the server said:
 * 1. `retry-after-ms`, `x-ms-retry-after-ms` or `retry-after`, when sent: the server's own word;
 * 2. else the message's "Please try again in 20s";
 * 3. the `x-ratelimit-reset-*` header bounds both (on 429s): on OpenAI it is the time until the
 *    bucket is *full*, so it is scaled to the part of the limit this request needs. With
 *    `remaining` r, `limit` L and a need of n (1 request, or the message's "Requested N" tokens),
 *    the bucket refilling linearly from r to L over `reset` reaches n after
 *    `reset · (n − r) / (L − r)`. Without the limit it bounds at the full reset.
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

  let fromMessage: number | undefined;
  let requested: number | undefined;
  for (const message of messages) {
    fromMessage ??= retryAfterFromMessage(message);
    requested ??= requestedAmount(message);
  }
  const bound = resetBound(reason, rateLimit, requested);
  if (fromMessage !== undefined && (bound === undefined || fromMessage <= bound)) {
    return { ms: fromMessage, source: 'message' };
  }
  if (bound !== undefined) return { ms: bound, source: 'rate-limit-reset' };
  return undefined;
}

function scaled(
  reset: number | undefined,
  limit: number | undefined,
  remaining: number | undefined,
  need: number,
) {
  if (reset === undefined) return undefined;
  if (limit === undefined || !(limit > 0)) return reset;
  const r = Math.max(0, Math.min(remaining ?? 0, limit));
  if (limit - r <= 0) return 0;
  const part = Math.max(0, Math.min(need, limit) - r) / (limit - r);
  return Math.ceil(reset * Math.min(1, part));
}

function resetBound(reason: Reason, rl: RateLimitInfo, requested: number | undefined): number | undefined {
  const requests = () => scaled(rl.resetRequestsMs, rl.limitRequests, rl.remainingRequests, 1);
  // Without the message's "Requested N", the token need is unknown: bound at the full reset.
  const tokens = () =>
    requested === undefined
      ? rl.resetTokensMs
      : scaled(rl.resetTokensMs, rl.limitTokens, rl.remainingTokens, requested);
  if (reason === 'rate_limit_requests') return requests();
  if (reason === 'rate_limit_tokens') return tokens();
  if (reason !== 'rate_limit') return undefined;
  // The dimension is unknown: wait for the one that is out, or for both.
  const requestsOut = rl.remainingRequests === 0;
  const tokensOut = rl.remainingTokens === 0;
  if (requestsOut && !tokensOut && rl.resetRequestsMs !== undefined) return requests();
  if (tokensOut && !requestsOut && rl.resetTokensMs !== undefined) return tokens();
  const a = requests();
  const b = tokens();
  if (a === undefined) return b;
  return b === undefined ? a : Math.max(a, b);
}
