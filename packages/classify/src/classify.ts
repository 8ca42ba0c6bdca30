import type { ResilienceErrorCode } from '@unfazed/core';
import { decide, type Verdict } from './decide.ts';
import { getHeader, type HeadersInput, parseRateLimitHeaders } from './headers.ts';
import { retryHint } from './hints.ts';
import type { TransportFailure } from './network.ts';
import { type Observation, observe } from './observe.ts';
import type { Classification, ClassifyOptions, RateLimitInfo } from './vocabulary.ts';

const MAX_MESSAGE = 1000;

const TRANSPORT: Readonly<Record<TransportFailure, Verdict>> = {
  connection: { reason: 'connection', category: 'network' },
  timeout: { reason: 'timeout', category: 'network' },
  aborted: { reason: 'aborted', category: 'cancelled' },
  // A DOMException TimeoutError comes from the caller's AbortSignal.timeout(): the caller's deadline.
  'abort-timeout': { reason: 'timeout', category: 'cancelled' },
};

/**
 * The verdict on each failure a pipeline makes itself. A per-attempt timeout is a network timeout
 * (that attempt was slow; the next may not be), so it is retryable; the call's own deadline is the
 * caller's time running out; a request too large for the limit is a client error; every other
 * refusal is `rejected` ("not now"), never retried, with the code as its reason.
 */
const OWN: Readonly<Record<ResilienceErrorCode, Verdict>> = {
  TIMEOUT: { reason: 'timeout', category: 'network' },
  STREAM_TIMEOUT: { reason: 'timeout', category: 'network' },
  DEADLINE_EXCEEDED: { reason: 'deadline_exceeded', category: 'cancelled' },
  REQUEST_TOO_LARGE: { reason: 'request_too_large', category: 'client' },
  RETRY_AFTER_TOO_LONG: { reason: 'retry_after_too_long', category: 'rejected' },
  CIRCUIT_OPEN: { reason: 'circuit_open', category: 'rejected' },
  BULKHEAD_FULL: { reason: 'bulkhead_full', category: 'rejected' },
  RATE_LIMIT_WAIT: { reason: 'rate_limit_wait', category: 'rejected' },
  RATE_LIMIT_STORE: { reason: 'rate_limit_store', category: 'rejected' },
  QUEUE_FULL: { reason: 'queue_full', category: 'rejected' },
};

/**
 * Classifies anything a call to the OpenAI API can fail with: an error of the `openai` SDK, core's
 * `HttpStatusError`, a `Response` or `{ status, headers, body }`, a Node/undici network error
 * (also nested in `TypeError('fetch failed')`), an `AbortError`/`TimeoutError`, an error object
 * from a 200 stream (the `data: {...}` line or the parsed object), or a `ResilienceError` (also
 * wrapped, as the openai SDK wraps a failed fetch): the one verdict every policy asks for. It looks
 * at a bounded part of what it is given (the first 64 KiB of a body, 4 KiB of a message, 256
 * header fields), so no input makes it slow. Never throws; what it does not recognise is
 * `{ category: 'unknown', retryable: false }`.
 *
 * @example
 * try {
 *   await client.chat.completions.create(body);
 * } catch (err) {
 *   const c = classify(err);
 *   if (c.retryable) await sleep(c.retryAfterMs ?? 1000); // then retry
 *   else throw err; // c.reason says why: 'quota_exhausted', 'context_length_exceeded', ...
 * }
 */
export function classify(input: unknown, options?: ClassifyOptions): Classification {
  try {
    return classifyObservation(observe(input), options?.now);
  } catch {
    // Every step guards itself; this is the last line for a guarantee callers rely on.
    return { category: 'unknown', retryable: false, reason: 'unknown' };
  }
}

/**
 * Whether retrying after `input` can succeed: `classify(input).retryable`.
 *
 * @example
 * if (isRetryable(err)) retryLater();
 */
export function isRetryable(input: unknown): boolean {
  return classify(input).retryable;
}

function classifyObservation(obs: Observation, now: number | undefined): Classification {
  const rateLimit = parseRateLimitHeaders(obs.headers as HeadersInput);
  const verdict = verdictOf(obs, rateLimit);
  const result: Classification = {
    category: verdict.category,
    retryable: verdict.category === 'transient' || verdict.category === 'network',
    reason: verdict.reason,
  };
  if (obs.status !== undefined) result.status = obs.status;
  const code = obs.details?.code ?? obs.code;
  if (code !== undefined) result.code = code;
  if (obs.details?.type !== undefined) result.type = obs.details.type;
  const message = obs.details?.message ?? obs.message;
  if (message !== undefined) result.message = message.slice(0, MAX_MESSAGE);

  const shouldRetry = getHeader(obs.headers, 'x-should-retry')?.trim().toLowerCase();
  // The server knows best (the openai SDK obeys it too), but nothing un-cancels a cancelled call.
  if (verdict.category !== 'cancelled' && (shouldRetry === 'true' || shouldRetry === 'false')) {
    result.retryable = shouldRetry === 'true';
  }

  // Only a server's answer carries wait hints; an arbitrary error saying "try again in 5s" does not.
  const fromServer = obs.kind === 'http' || obs.kind === 'stream';
  const hint = fromServer
    ? retryHint(obs.headers, verdict.reason, rateLimit, [obs.details?.message, obs.message], now)
    : undefined;
  if (hint !== undefined) {
    result.retryAfterMs = hint.ms;
    result.retryAfterSource = hint.source;
  }
  const requestId =
    obs.requestId ??
    getHeader(obs.headers, 'x-request-id') ??
    getHeader(obs.headers, 'apim-request-id') ??
    getHeader(obs.headers, 'x-ms-request-id');
  if (requestId !== undefined && requestId.length > 0) result.requestId = requestId;
  if (Object.keys(rateLimit).length > 0) result.rateLimit = rateLimit;
  return result;
}

function verdictOf(obs: Observation, rateLimit: RateLimitInfo): Verdict {
  switch (obs.kind) {
    case 'resilience':
      return OWN[obs.code as ResilienceErrorCode] ?? { reason: 'unknown', category: 'rejected' };
    case 'other':
      return { reason: 'unknown', category: 'unknown' };
    case 'transport':
      return TRANSPORT[obs.failure ?? 'connection'];
    case 'http':
    case 'stream':
      return decide(obs.status, obs.details, obs.message, rateLimit);
  }
}
