import type { ErrorDetails } from './body.ts';
import {
  CONTEXT_MESSAGE,
  OVERLOADED_MESSAGE,
  QUOTA_MESSAGE,
  rateLimitDimension,
  saysRequestTooLarge,
} from './message.ts';
import type { Category, RateLimitInfo, Reason } from './vocabulary.ts';

/** A reason and the category it belongs to in this case (`timeout` is transient on a 408, network on a socket). */
export interface Verdict {
  reason: Reason;
  category: Category;
}

const QUOTA_CODES = new Set([
  'insufficient_quota',
  'billing_hard_limit_reached',
  'billing_not_active',
  'billing_limit_reached',
  'access_terminated',
  'account_deactivated',
  'quota_exceeded',
  'insufficientquota',
]);
const CONTENT_FILTER_CODES = new Set([
  'content_filter',
  'content_policy_violation',
  'responsibleaipolicyviolation',
  'invalid_prompt',
]);
const RATE_LIMIT_CODES = new Set(['rate_limit_exceeded', '429', 'ratelimitexceeded', 'rate_limit_error']);

// Codes and types that name a reason on their own, used when the status says nothing (stream errors).
const CODE_REASON: Readonly<Record<string, Verdict>> = {
  server_error: { reason: 'server_error', category: 'transient' },
  api_error: { reason: 'server_error', category: 'transient' },
  internal_error: { reason: 'server_error', category: 'transient' },
  overloaded: { reason: 'overloaded', category: 'transient' },
  overloaded_error: { reason: 'overloaded', category: 'transient' },
  engine_overloaded: { reason: 'overloaded', category: 'transient' },
  timeout: { reason: 'timeout', category: 'transient' },
  invalid_api_key: { reason: 'authentication', category: 'client' },
  invalid_authentication: { reason: 'authentication', category: 'client' },
  authentication_error: { reason: 'authentication', category: 'client' },
  permission_error: { reason: 'permission', category: 'client' },
  unsupported_country_region_territory: { reason: 'permission', category: 'client' },
  model_not_found: { reason: 'not_found', category: 'client' },
  not_found_error: { reason: 'not_found', category: 'client' },
  invalid_request_error: { reason: 'bad_request', category: 'client' },
};

const STATUS_REASON: Readonly<Record<number, Verdict>> = {
  400: { reason: 'bad_request', category: 'client' },
  401: { reason: 'authentication', category: 'client' },
  403: { reason: 'permission', category: 'client' },
  404: { reason: 'not_found', category: 'client' },
  408: { reason: 'timeout', category: 'transient' },
  409: { reason: 'conflict', category: 'transient' },
  413: { reason: 'request_too_large', category: 'client' },
  422: { reason: 'unprocessable', category: 'client' },
};

const client = (reason: Reason): Verdict => ({ reason, category: 'client' });
const transient = (reason: Reason): Verdict => ({ reason, category: 'transient' });
const lower = (value: string | undefined): string => (value ?? '').toLowerCase();

/**
 * Decides the reason of an HTTP error response or an error object in a stream. The body's code and
 * message are more specific than the status, so they are looked at first: a 429 may mean "wait"
 * (rate limit), "never" (request too large) or "pay" (quota).
 */
export function decide(
  status: number | undefined,
  details: ErrorDetails | undefined,
  message: string | undefined,
  rateLimit: RateLimitInfo,
): Verdict {
  const code = lower(details?.code);
  const type = lower(details?.type);
  const text = details?.message ?? message;
  // Azure sends the status as the error code ("429") in stream errors and some bodies.
  const effective = status !== undefined && status >= 400 ? status : numericCode(code);

  if (QUOTA_CODES.has(code) || QUOTA_CODES.has(type) || (text !== undefined && QUOTA_MESSAGE.test(text))) {
    return client('quota_exhausted');
  }
  if (code === 'context_length_exceeded' || (text !== undefined && CONTEXT_MESSAGE.test(text))) {
    return client('context_length_exceeded');
  }
  if ([code, type, lower(details?.innerCode)].some((c) => CONTENT_FILTER_CODES.has(c))) {
    return client('content_filter');
  }
  if (effective === 413 || saysRequestTooLarge(text)) return client('request_too_large');
  if (
    effective === 429 ||
    RATE_LIMIT_CODES.has(code) ||
    RATE_LIMIT_CODES.has(type) ||
    type === 'requests' ||
    type === 'tokens'
  ) {
    return transient(rateLimitReason(type, text, rateLimit));
  }

  if (effective !== undefined && effective >= 500) {
    const overloaded =
      effective === 503 ||
      effective === 529 ||
      CODE_REASON[code]?.reason === 'overloaded' ||
      CODE_REASON[type]?.reason === 'overloaded' ||
      (text !== undefined && OVERLOADED_MESSAGE.test(text));
    return transient(overloaded ? 'overloaded' : 'server_error');
  }
  const byCode = CODE_REASON[code] ?? CODE_REASON[type];
  if (effective !== undefined && effective >= 400) {
    const byStatus = STATUS_REASON[effective] ?? client('bad_request');
    // A client status keeps its category, but a code may name it better (400 model_not_found).
    return byStatus.category === 'client' && byCode?.category === 'client' && effective === 400
      ? byCode
      : byStatus;
  }
  if (byCode) return byCode;
  if (text !== undefined && OVERLOADED_MESSAGE.test(text)) return transient('overloaded');
  return { reason: 'unknown', category: 'unknown' };
}

function numericCode(code: string): number | undefined {
  if (!/^\d{3}$/.test(code)) return undefined;
  const n = Number(code);
  return n >= 400 && n <= 599 ? n : undefined;
}

function rateLimitReason(type: string, text: string | undefined, rateLimit: RateLimitInfo): Reason {
  // OpenAI's type names the dimension: `requests`, `tokens` (and variants such as `tokens_usage_based`).
  if (type.startsWith('requests')) return 'rate_limit_requests';
  if (type.startsWith('tokens')) return 'rate_limit_tokens';
  const named = rateLimitDimension(text);
  if (named) return named === 'requests' ? 'rate_limit_requests' : 'rate_limit_tokens';
  const requestsOut = rateLimit.remainingRequests === 0;
  const tokensOut = rateLimit.remainingTokens === 0;
  if (requestsOut !== tokensOut) return requestsOut ? 'rate_limit_requests' : 'rate_limit_tokens';
  return 'rate_limit';
}
