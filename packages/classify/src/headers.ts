import { parseDuration, saneMs } from './duration.ts';
import type { RateLimitInfo } from './vocabulary.ts';

/** Response headers as classify accepts them: a `Headers`, a plain object (any case), or nothing. */
export type HeadersInput =
  | Headers
  | Readonly<Record<string, string | readonly string[] | number | null | undefined>>
  | null
  | undefined;

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const INTEGER = /^\d+$/;
// IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT"), RFC 850 ("Wednesday, 21-Oct-15 ...") and asctime
// ("Wed Oct 21 07:28:00 2015"). Checked before Date.parse, which reads "1" or "May 3" as dates too.
const HTTP_DATE =
  /^[A-Za-z]{3,9}, \d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4} \d{2}:\d{2}:\d{2} GMT$|^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** A plain header object is searched this far; real responses carry a few dozen headers. */
const MAX_FIELDS = 256;

/**
 * Reads one header, case-insensitively, from a `Headers`, anything with a `get()` method, or a plain
 * object (its first 256 fields). Arrays are joined with `, `. Never throws.
 */
export function getHeader(headers: unknown, name: string): string | undefined {
  try {
    if (headers === null || typeof headers !== 'object') return undefined;
    const lower = name.toLowerCase();
    const get = (headers as { get?: unknown }).get;
    if (typeof get === 'function') {
      return headerValue(get.call(headers, lower));
    }
    const record = headers as Record<string, unknown>;
    if (Object.hasOwn(record, lower)) {
      const value = headerValue(record[lower]);
      if (value !== undefined) return value;
    }
    let seen = 0;
    for (const key in record) {
      if (++seen > MAX_FIELDS) break;
      if (key.toLowerCase() === lower && Object.hasOwn(record, key)) {
        const value = headerValue(record[key]);
        if (value !== undefined) return value;
      }
    }
  } catch {
    // A hostile getter or proxy: no header.
  }
  return undefined;
}

function headerValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) {
    const parts = value.filter((v): v is string => typeof v === 'string');
    return parts.length > 0 ? parts.join(', ') : undefined;
  }
  return undefined;
}

/**
 * Parses a `Retry-After` header (seconds, possibly fractional, or an HTTP date) into milliseconds.
 * A date in the past gives 0. Never throws: negative, malformed or absurd (over 7 days) values
 * give `undefined`.
 *
 * @param now Current time in ms since the epoch, for HTTP dates. @default Date.now()
 * @example
 * parseRetryAfter('20'); // 20000
 * parseRetryAfter('0.5'); // 500
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:30 GMT')); // 30000
 */
export function parseRetryAfter(value: string | null | undefined, now?: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (NUMBER.test(text)) return saneMs(Number(text) * 1000);
  if (!HTTP_DATE.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  const from = typeof now === 'number' && Number.isFinite(now) ? now : Date.now();
  return saneMs(Math.max(0, date - from));
}

/**
 * Parses a `retry-after-ms` / `x-ms-retry-after-ms` header (milliseconds, possibly fractional).
 * Never throws; garbage gives `undefined`.
 *
 * @example
 * parseRetryAfterMs('1500'); // 1500
 */
export function parseRetryAfterMs(value: string | null | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return NUMBER.test(text) ? saneMs(Number(text)) : undefined;
}

/**
 * Parses OpenAI's `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` headers. Fields whose
 * header is missing or garbage are left out, so `{}` means "no rate-limit headers". Never throws.
 *
 * @example
 * parseRateLimitHeaders(response.headers);
 * // { limitRequests: 500, remainingRequests: 0, resetRequestsMs: 120, limitTokens: 30000, ... }
 */
export function parseRateLimitHeaders(headers: HeadersInput): RateLimitInfo {
  const info: RateLimitInfo = {};
  const count = (name: string): number | undefined => {
    const value = getHeader(headers, name)?.trim();
    if (value === undefined || !INTEGER.test(value)) return undefined;
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : undefined;
  };
  const fields: [keyof RateLimitInfo, number | undefined][] = [
    ['limitRequests', count('x-ratelimit-limit-requests')],
    ['limitTokens', count('x-ratelimit-limit-tokens')],
    ['remainingRequests', count('x-ratelimit-remaining-requests')],
    ['remainingTokens', count('x-ratelimit-remaining-tokens')],
    ['resetRequestsMs', parseDuration(getHeader(headers, 'x-ratelimit-reset-requests'))],
    ['resetTokensMs', parseDuration(getHeader(headers, 'x-ratelimit-reset-tokens'))],
  ];
  for (const [field, value] of fields) if (value !== undefined) info[field] = value;
  return info;
}
