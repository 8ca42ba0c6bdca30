import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from './classify.ts';
import { MAX_HINT_MS, parseDuration } from './duration.ts';
import { NETWORK_FIXTURES } from './fixtures.ts';
import { getHeader, parseRateLimitHeaders, parseRetryAfter, parseRetryAfterMs } from './headers.ts';
import { CATEGORIES, type Classification, REASONS } from './vocabulary.ts';

const RUNS = { numRuns: 400 };

function expectSaneWait(ms: number | undefined): void {
  if (ms === undefined) return;
  expect(Number.isFinite(ms)).toBe(true);
  expect(ms).toBeGreaterThanOrEqual(0);
  expect(ms).toBeLessThanOrEqual(MAX_HINT_MS);
}

function expectWellFormed(c: Classification): void {
  expect(CATEGORIES).toContain(c.category);
  expect(REASONS).toContain(c.reason);
  expect(typeof c.retryable).toBe('boolean');
  if (c.category === 'cancelled') expect(c.retryable).toBe(false);
  expectSaneWait(c.retryAfterMs);
  expect(c.retryAfterMs === undefined).toBe(c.retryAfterSource === undefined);
  expectSaneWait(c.rateLimit?.resetRequestsMs);
  expectSaneWait(c.rateLimit?.resetTokensMs);
  for (const value of Object.values(c.rateLimit ?? {}))
    expect(Number.isSafeInteger(Math.floor(value))).toBe(true);
}

const HEADER_NAMES = [
  'retry-after',
  'Retry-After',
  'retry-after-ms',
  'x-ms-retry-after-ms',
  'x-should-retry',
  'x-request-id',
  'apim-request-id',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
];

// Header values near the valid ones: numbers of every kind, Go durations, dates, garbage.
const headerValue = fc.oneof(
  fc.string(),
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-Infinity',
    '1e400',
    '-0',
    '0',
    'true',
    'false',
    '6m0s',
    '-1s',
    '1h2m3s',
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  fc
    .array(fc.constantFrom('1', 'h', 'm', 's', 'ms', '.', '0', '9', 'µs'), { maxLength: 12 })
    .map((a) => a.join('')),
);
const headers = fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue);
const errorObject = fc.record(
  {
    message: fc.oneof(
      fc.string(),
      fc.constantFrom(
        'Please try again in 20s.',
        'Please retry after 99999999999 seconds.',
        'Limit 3, Used 3, Requested 1. Please try again in -4ms',
        'Request too large: Limit 10, Requested 1e999',
      ),
      fc.anything(),
    ),
    type: fc.oneof(
      fc.constantFrom('requests', 'tokens', 'server_error', 'insufficient_quota'),
      fc.anything(),
    ),
    code: fc.oneof(
      fc.constantFrom('rate_limit_exceeded', '429', 'context_length_exceeded', null),
      fc.anything(),
    ),
    param: fc.anything(),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.anything(),
  fc.string(),
  errorObject.map((error) => ({ error })),
  errorObject.map((error) => JSON.stringify({ error }) ?? ''),
  errorObject.map((error) => `data: ${JSON.stringify({ error })}\n\n`),
);
const responseLike = fc.record(
  {
    status: fc.oneof(fc.integer({ min: -10, max: 1000 }), fc.double(), fc.anything()),
    headers: fc.oneof(
      headers,
      headers.map((h) => new Headers(h)),
      fc.anything(),
    ),
    body,
    error: fc.oneof(errorObject, fc.anything()),
  },
  { requiredKeys: [] },
);

/** A chain of errors with random codes and names, optionally closed into a cycle. */
const causeChain = fc
  .record({
    links: fc.array(
      fc.record({
        code: fc.oneof(fc.constantFrom(...NETWORK_FIXTURES.map((f) => f.code)), fc.string(), fc.anything()),
        name: fc.constantFrom('Error', 'TypeError', 'AbortError', 'TimeoutError', 'SocketError'),
        message: fc.string(),
        aggregate: fc.boolean(),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    cycleTo: fc.option(fc.nat(5)),
  })
  .map(({ links, cycleTo }) => {
    const errors = links.map(({ code, name, message }) => {
      const err = Object.assign(new Error(message), { code }) as Error & { cause?: unknown };
      err.name = name;
      return err;
    });
    errors.forEach((err, i) => {
      const next = errors[i + 1];
      if (next === undefined) return;
      err.cause = links[i]!.aggregate ? new AggregateError([next, err]) : next;
    });
    if (cycleTo !== null) errors.at(-1)!.cause = errors[cycleTo % errors.length];
    return errors[0];
  });

describe('properties: the parsers never throw and only give sane waits', () => {
  it('parseDuration, parseRetryAfter and parseRetryAfterMs on arbitrary strings and values', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), headerValue, fc.anything()),
        fc.oneof(fc.double(), fc.integer()),
        (v, now) => {
          const value = v as string;
          expectSaneWait(parseDuration(value));
          expectSaneWait(parseRetryAfter(value, now));
          expectSaneWait(parseRetryAfter(value));
          expectSaneWait(parseRetryAfterMs(value));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('parseDuration reads back any Go duration it is given', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.nat(59), fc.nat(59), fc.nat(999), (h, m, s, ms) => {
        const text = `${h > 0 ? `${h}h` : ''}${m > 0 || h > 0 ? `${m}m` : ''}${s}.${String(ms).padStart(3, '0')}s`;
        expect(parseDuration(text)).toBe(((h * 60 + m) * 60 + s) * 1000 + ms);
      }),
      RUNS,
    );
  });

  it('parseRetryAfter reads back whole and fractional seconds', () => {
    fc.assert(
      fc.property(fc.nat(MAX_HINT_MS / 1000 - 1), fc.nat(999), (s, ms) => {
        expect(parseRetryAfter(String(s))).toBe(s * 1000);
        const frac = parseRetryAfter(`${s}.${String(ms).padStart(3, '0')}`)!;
        expect(Math.abs(frac - (s * 1000 + ms))).toBeLessThan(1e-6);
      }),
      RUNS,
    );
  });

  it('parseRateLimitHeaders on arbitrary header objects', () => {
    fc.assert(
      fc.property(fc.oneof(headers, fc.dictionary(fc.string(), fc.string()), fc.anything()), (h) => {
        const info = parseRateLimitHeaders(h as Record<string, string>);
        for (const value of Object.values(info)) {
          expect(Number.isFinite(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(0);
        }
      }),
      RUNS,
    );
  });
});

describe('properties: classify never throws', () => {
  it('on anything at all', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true }),
        (v) => {
          expectWellFormed(classify(v));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('on response-like objects with real and broken headers, bodies and statuses', () => {
    fc.assert(
      fc.property(responseLike, fc.option(fc.double()), (input, now) => {
        const c = classify(input, now === null ? undefined : { now });
        expectWellFormed(c);
        const shouldRetry = getHeader(input.headers, 'x-should-retry')?.trim().toLowerCase();
        if (shouldRetry !== 'true' && shouldRetry !== 'false') {
          expect(c.retryable).toBe(c.category === 'transient' || c.category === 'network');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('on nested causes, aggregates and cycles', () => {
    fc.assert(
      fc.property(causeChain, (err) => {
        expectWellFormed(classify(err));
        expectWellFormed(classify(new TypeError('fetch failed', { cause: err })));
      }),
      RUNS,
    );
  });

  it('on hostile objects: throwing getters, throwing proxies, revoked proxies', () => {
    const boom = () => {
      throw new Error('boom');
    };
    const throwingProxy = new Proxy(
      {},
      { get: boom, has: boom, ownKeys: boom, getPrototypeOf: boom, getOwnPropertyDescriptor: boom },
    );
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const getters = Object.defineProperties(
      {},
      {
        status: { get: boom, enumerable: true },
        headers: { get: boom, enumerable: true },
        message: { get: boom, enumerable: true },
        cause: { get: boom, enumerable: true },
      },
    );
    const inputs = [
      throwingProxy,
      revoked,
      getters,
      { status: 429, headers: throwingProxy, body: throwingProxy },
      { status: 429, headers: revoked, body: { error: revoked } },
      new TypeError('fetch failed', { cause: throwingProxy }),
      new TypeError('fetch failed', { cause: new AggregateError([revoked, getters]) }),
      { status: 500, headers: { get: boom } },
    ];
    for (const input of inputs) expectWellFormed(classify(input));
    expect(classify({ status: 429, headers: throwingProxy })).toMatchObject({
      reason: 'rate_limit',
      status: 429,
    });
  });
});
