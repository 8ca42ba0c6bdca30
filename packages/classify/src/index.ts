export { classify, isRetryable } from './classify.ts';
export { MAX_HINT_MS, parseDuration } from './duration.ts';
export {
  getHeader,
  type HeadersInput,
  parseRateLimitHeaders,
  parseRetryAfter,
  parseRetryAfterMs,
} from './headers.ts';
export {
  CATEGORIES,
  type Category,
  type Classification,
  type ClassifyOptions,
  type RateLimitInfo,
  REASONS,
  type Reason,
  type RetryAfterSource,
} from './vocabulary.ts';
